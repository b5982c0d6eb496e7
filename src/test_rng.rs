//! A small deterministic random-number generator for tests (xorshift64): the property-style unit tests
//! need reproducible pseudo-random inputs, and one generator serves them all.

/// The xorshift64 sequence from `seed` (which must not be 0): each call returns the next value.
pub fn xorshift(seed: u64) -> impl FnMut() -> u64 {
    let mut state = seed;
    move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    }
}
