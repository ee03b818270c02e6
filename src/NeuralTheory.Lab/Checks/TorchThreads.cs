namespace NeuralTheory.Lab.Checks;

/// <summary>libtorch's intra-op thread count, set for the span of a computation.</summary>
public static class TorchThreads
{
    /// <summary>
    /// Runs <paramref name="action"/> with one intra-op torch thread and restores the previous count, even when it throws.
    /// The Lab's checks and experiments run many tiny ops (prompts of 7 × 16, 32-wide layers): a second thread gains
    /// nothing there and loses a lot to spinning on a busy machine (on the shared 2-core VM, the 200-MRP TD run took 97 s
    /// with two threads instead of 11 s; a 32 × 500 orthogonal net 6.3 s instead of 0.06 s).
    /// </summary>
    public static T Single<T>(Func<T> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        int previous = TorchSharp.torch.get_num_threads();
        TorchSharp.torch.set_num_threads(1);
        try { return action(); }
        finally { TorchSharp.torch.set_num_threads(previous); }
    }
}
