//! zlib compression as an [`std::io::Write`]: a saved plan is serialised
//! straight into the compressor, so its JSON (tens of MB for a large
//! estate) is never held whole.

use miniz_oxide::deflate::core::{
    compress, create_comp_flags_from_zip_params, CompressorOxide, TDEFLFlush, TDEFLStatus,
};
use std::io;

/// Input gathered, and output produced, per call into the compressor:
/// serde_json writes a few bytes at a time.
const CHUNK: usize = 64 * 1024;

/// zlib's window: 2^15 bytes, with the zlib header and checksum.
const ZLIB_WINDOW_BITS: i32 = 15;

pub(crate) struct ZlibWriter {
    // Boxed: the compressor's state is several hundred KB.
    compressor: Box<CompressorOxide>,
    /// Written but not yet compressed.
    pending: Vec<u8>,
    /// Where each call's output lands before it is appended to `out`.
    scratch: Vec<u8>,
    out: Vec<u8>,
}

impl ZlibWriter {
    /// A writer whose output starts with `prefix` (e.g. a magic line).
    pub(crate) fn new(prefix: &[u8], level: u8) -> ZlibWriter {
        let flags = create_comp_flags_from_zip_params(level.into(), ZLIB_WINDOW_BITS, 0);
        ZlibWriter {
            compressor: Box::new(CompressorOxide::new(flags)),
            pending: Vec::with_capacity(CHUNK),
            scratch: vec![0; CHUNK],
            out: prefix.to_vec(),
        }
    }

    /// Ends the stream; returns the prefix and the compressed bytes.
    pub(crate) fn finish(mut self) -> io::Result<Vec<u8>> {
        let pending = std::mem::take(&mut self.pending);
        self.run(&pending, TDEFLFlush::Finish)?;
        Ok(self.out)
    }

    fn run(&mut self, mut input: &[u8], flush: TDEFLFlush) -> io::Result<()> {
        loop {
            let (status, consumed, written) =
                compress(&mut self.compressor, input, &mut self.scratch, flush);
            self.out
                .extend_from_slice(self.scratch.get(..written).unwrap_or_default());
            input = input.get(consumed..).unwrap_or_default();
            match status {
                TDEFLStatus::Done => return Ok(()),
                // More output is pending while the chunk came back full.
                TDEFLStatus::Okay if !input.is_empty() || written == CHUNK => {}
                TDEFLStatus::Okay if flush == TDEFLFlush::Finish => {}
                TDEFLStatus::Okay => return Ok(()),
                other => {
                    return Err(io::Error::other(format!("compression failed: {other:?}")));
                }
            }
        }
    }
}

impl io::Write for ZlibWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(buf);
        if self.pending.len() >= CHUNK {
            let pending = std::mem::take(&mut self.pending);
            self.run(&pending, TDEFLFlush::None)?;
            self.pending = pending;
            self.pending.clear();
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write as _;

    #[test]
    fn streamed_output_inflates_to_the_input() {
        // Larger than several chunks, and written in uneven pieces.
        let text: Vec<u8> = (0..400_000u32)
            .flat_map(|i| format!("{{\"n\":{i},\"s\":\"x{}\"}}", i % 97).into_bytes())
            .collect();
        let mut zlib = ZlibWriter::new(b"head\n", 1);
        for piece in text.chunks(7_919) {
            zlib.write_all(piece).unwrap();
        }
        let bytes = zlib.finish().unwrap();
        let body = bytes.strip_prefix(b"head\n").unwrap();
        assert!(body.len() < text.len() / 4);
        let inflated = miniz_oxide::inflate::decompress_to_vec_zlib(body).unwrap();
        assert_eq!(inflated, text);
        // As the one-shot compressor does it.
        assert_eq!(body, miniz_oxide::deflate::compress_to_vec_zlib(&text, 1));
    }
}
