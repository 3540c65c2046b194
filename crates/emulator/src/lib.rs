//! Local CDA API emulator.
