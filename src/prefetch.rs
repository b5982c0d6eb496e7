//! A cache prefetch hint, for the big lookup tables (the merged profile tables, the fluency bigrams, the
//! tokeniser's word table): their lines are rarely in the cache, and a lookup that asks for its line
//! well before it reads it finds it loaded, while the work in between goes on instead of waiting.

/// Asks the processor to start loading the cache line of `value`. Only a hint: nothing waits for it,
/// and no result depends on it.
#[inline]
pub(crate) fn prefetch<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch reads nothing into the program and cannot fault (the processor may drop it);
    // the pointer comes from a reference, so it is valid anyway. SSE is part of x86-64.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>((value as *const T).cast::<i8>());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}
