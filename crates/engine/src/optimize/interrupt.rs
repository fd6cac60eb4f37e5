//! Cancellation of a running optimisation, as the sampler's `on_progress` cancels a fit: the
//! caller (the SQL layer, whose backend must honour a cancel request or `statement_timeout`)
//! runs the work inside [`interruptible`] with a check of its own; the solvers' loops ask
//! [`interrupted`] once per iteration and stop early when it says so, and the caller, which
//! knows why, discards what they return. The engine never learns what the check reads.

use std::cell::RefCell;

thread_local! {
    /// The check of the innermost [`interruptible`] on this thread. The solvers' loops run on
    /// the thread that called them (only evaluations fan out), so a thread-local reaches them
    /// without a parameter through every solver.
    static CHECK: RefCell<Option<Box<dyn Fn() -> bool>>> = const { RefCell::new(None) };
}

/// Runs `work` with `check` installed: while it runs, [`interrupted`] returns what `check` does.
/// Once `check` has said true the result is a partial answer, for the caller to discard.
pub fn interruptible<R>(check: impl Fn() -> bool + 'static, work: impl FnOnce() -> R) -> R {
    /// Puts the previous check back however `work` ends, unwinding included.
    struct Restore(Option<Box<dyn Fn() -> bool>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            CHECK.with_borrow_mut(|c| *c = self.0.take());
        }
    }
    let _restore = Restore(CHECK.with_borrow_mut(|c| c.replace(Box::new(check))));
    work()
}

/// Whether the caller asked the running optimisation to stop (false outside [`interruptible`]).
pub(crate) fn interrupted() -> bool {
    CHECK.with_borrow(|c| c.as_ref().is_some_and(|check| check()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_check_holds_inside_and_is_restored_after() {
        assert!(!interrupted());
        assert!(interruptible(|| true, interrupted));
        assert!(!interruptible(|| false, interrupted));
        assert!(interruptible(|| true, || interruptible(|| false, || !interrupted()) && interrupted()));
        assert!(!interrupted());
    }
}
