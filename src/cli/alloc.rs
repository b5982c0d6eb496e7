//! The binary's global allocator: mimalloc, asked for plain blocks when their alignment needs nothing more.
//!
//! The `mimalloc` crate's `MiMalloc` calls `mi_malloc_aligned` for every allocation. For a block of more
//! than 1 KiB (a sentence's tokens, its n-gram keys, a report line) that goes through mimalloc's generic
//! aligned path, which over-allocates and aligns by hand (about 190 instructions instead of 40 for
//! `mi_malloc`). `mi_malloc` is a drop-in `malloc`: it returns blocks aligned for any object of their size,
//! up to 16 bytes (`MI_MAX_ALIGN_SIZE`), the guarantee `std`'s own `System` allocator relies on with
//! the same test below. Larger alignments still go to the aligned functions.

use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

/// `malloc`'s alignment guarantee on the 64-bit targets this builds for (`max_align_t`).
const MIN_ALIGN: usize = 16;

/// mimalloc, with `mi_malloc` / `mi_realloc` for the alignments they guarantee.
pub struct Allocator;

/// Whether a block of `size` bytes from `mi_malloc` is aligned to `align` (as `std`'s `System` decides).
#[inline]
fn plain(align: usize, size: usize) -> bool {
    align <= MIN_ALIGN && align <= size
}

// SAFETY: every function forwards to mimalloc, which returns blocks of at least the requested size, aligned
// as requested (see `plain`), or null; `dealloc` and `realloc` get pointers mimalloc returned (mi_free and
// mi_realloc take blocks of either kind of allocation).
unsafe impl GlobalAlloc for Allocator {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if plain(layout.align(), layout.size()) {
            unsafe { libmimalloc_sys::mi_malloc(layout.size()) as *mut u8 }
        } else {
            unsafe { libmimalloc_sys::mi_malloc_aligned(layout.size(), layout.align()) as *mut u8 }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if plain(layout.align(), layout.size()) {
            unsafe { libmimalloc_sys::mi_zalloc(layout.size()) as *mut u8 }
        } else {
            unsafe { libmimalloc_sys::mi_zalloc_aligned(layout.size(), layout.align()) as *mut u8 }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        unsafe { libmimalloc_sys::mi_free(ptr as *mut c_void) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if plain(layout.align(), new_size) {
            unsafe { libmimalloc_sys::mi_realloc(ptr as *mut c_void, new_size) as *mut u8 }
        } else {
            unsafe { libmimalloc_sys::mi_realloc_aligned(ptr as *mut c_void, new_size, layout.align()) as *mut u8 }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_aligned_as_asked() {
        for align in [1usize, 2, 4, 8, 16, 32, 64, 4096] {
            for size in [align, align * 3, 1000 * align, 5000, 70_000].into_iter().filter(|s| s % align == 0) {
                let layout = Layout::from_size_align(size, align).unwrap();
                // SAFETY: a non-zero size; the block is written within its size and freed once.
                unsafe {
                    let p = Allocator.alloc(layout);
                    assert!(!p.is_null() && (p as usize).is_multiple_of(align), "{size} {align}");
                    p.write_bytes(7, size);
                    let q = Allocator.realloc(p, layout, size * 2);
                    assert!(!q.is_null() && (q as usize).is_multiple_of(align) && *q.add(size - 1) == 7, "{size} {align}");
                    Allocator.dealloc(q, Layout::from_size_align(size * 2, align).unwrap());
                    let z = Allocator.alloc_zeroed(layout);
                    assert!(!z.is_null() && (z as usize).is_multiple_of(align) && *z.add(size - 1) == 0);
                    Allocator.dealloc(z, layout);
                }
            }
        }
    }
}
