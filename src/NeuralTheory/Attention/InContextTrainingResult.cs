namespace NeuralTheory.Attention;

/// <summary>
/// What an <see cref="InContextTrainer"/> run did: the plain-MSE in-context loss <c>mean_b (ŷ_b − y_{q,b})²</c> of every
/// step's batch (spec 2.8; Ahn et al. 2023, arXiv:2306.00297), whether training stopped on a non-finite loss, and the
/// wall time. Results carry their statistics.
/// </summary>
/// <param name="LossHistory">Loss of each step's batch, before that step's update (index = step).</param>
/// <param name="StepsRequested">The configured step count.</param>
/// <param name="Diverged"><c>true</c> when a loss was NaN or infinite; training stopped there and the last entry is that value.</param>
/// <param name="Elapsed">Wall time of the loop.</param>
public sealed record InContextTrainingResult(IReadOnlyList<double> LossHistory, int StepsRequested, bool Diverged, TimeSpan Elapsed)
{
    /// <summary>Number of steps run (≤ <see cref="StepsRequested"/>).</summary>
    public int StepsRun => LossHistory.Count;

    /// <summary>Loss of the first batch.</summary>
    public double InitialLoss => LossHistory.Count > 0 ? LossHistory[0] : double.NaN;

    /// <summary>Loss of the last batch.</summary>
    public double FinalLoss => LossHistory.Count > 0 ? LossHistory[^1] : double.NaN;

    /// <summary>Smallest batch loss.</summary>
    public double MinLoss => LossHistory.Count > 0 ? LossHistory.Min() : double.NaN;

    /// <summary>Mean batch loss over the last <paramref name="count"/> steps (all steps if fewer), a less noisy end-of-training figure.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> &lt; 1.</exception>
    public double MeanOfLast(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        return LossHistory.Count == 0 ? double.NaN : LossHistory.Skip(Math.Max(0, LossHistory.Count - count)).Average();
    }
}
