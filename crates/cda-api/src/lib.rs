//! EOP signing and the CDA client.
