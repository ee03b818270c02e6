using MathNet.Numerics.LinearAlgebra;

namespace NeuralTheory.Numerics.Regression;

/// <summary>
/// Monte Carlo estimate of the in-context loss (spec 2.8) <c>R = E‖ŷ(prompt) − y_q‖²</c> (plain MSE, as in Ahn et
/// al. 2023, arXiv:2306.00297; half of it is von Oswald et al.'s half-MSE, arXiv:2212.07677) of any predictor over
/// <c>M</c> prompts drawn by <see cref="RegressionTasks"/> from a seed: the sample mean and its standard error
/// <c>s/√M</c>.
/// </summary>
public static class InContextLoss
{
    /// <summary>Evaluates <paramref name="predictor"/> on <paramref name="taskCount"/> = M prompts drawn with <paramref name="seed"/>.</summary>
    /// <exception cref="ArgumentException">The options are invalid, or a prediction has the wrong length or is not finite.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><c>M &lt; 2</c>.</exception>
    public static InContextLossEstimate Estimate(Func<RegressionTask, Vector<double>> predictor, RegressionTaskOptions options, int taskCount, int seed)
    {
        ArgumentNullException.ThrowIfNull(predictor);
        if (taskCount < 2)
            throw new ArgumentOutOfRangeException(nameof(taskCount), taskCount, "taskCount must be ≥ 2 for a standard error.");
        var generator = new RegressionTasks(options, seed);
        double mean = 0, m2 = 0;
        for (int m = 0; m < taskCount; m++)
        {
            var task = generator.Next();
            var prediction = predictor(task);
            if (prediction is null || prediction.Count != task.OutputDimension)
                throw new ArgumentException($"predictor must return a vector of length o = {task.OutputDimension}.", nameof(predictor));
            double loss = (prediction - task.Yq).DotProduct(prediction - task.Yq);
            if (!double.IsFinite(loss))
                throw new ArgumentException($"predictor returned a non-finite prediction on task {m}.", nameof(predictor));
            double delta = loss - mean;          // Welford
            mean += delta / (m + 1);
            m2 += delta * (loss - mean);
        }
        double variance = m2 / (taskCount - 1);
        return new InContextLossEstimate(mean, Math.Sqrt(variance / taskCount), taskCount);
    }
}

/// <summary>A Monte Carlo in-context loss (plain MSE) with its standard error and sample count.</summary>
/// <param name="Mean">Sample mean of <c>‖ŷ − y_q‖²</c>.</param>
/// <param name="StandardError">Standard error of the mean, <c>s/√M</c>.</param>
/// <param name="TaskCount">The number of prompts <c>M</c>.</param>
public sealed record InContextLossEstimate(double Mean, double StandardError, int TaskCount)
{
    /// <summary>Half-MSE (von Oswald et al.'s convention), <c>Mean/2</c>.</summary>
    public double HalfMse => Mean / 2;

    /// <summary>Standard error of <see cref="HalfMse"/>.</summary>
    public double HalfMseStandardError => StandardError / 2;
}
