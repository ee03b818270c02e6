using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralTheory.Attention;

/// <summary>
/// Trains a <see cref="LinearTransformer"/> on in-context linear regression: each step draws a fresh batch of tasks
/// from a <see cref="RegressionPromptSampler"/>, predicts <c>ŷ = −Z^{(L)}[:, N, y]</c> and takes an Adam step on the
/// plain MSE <c>mean (ŷ − y_q)²</c> (spec 2.8, 6.1–6.4; the protocol of Ahn et al. 2023, arXiv:2306.00297, and von
/// Oswald et al. 2022, arXiv:2212.07677, who report half-MSE).
/// </summary>
/// <remarks>
/// Bounded (<see cref="InContextTrainingOptions.Steps"/>), seeded (same seed and same initial model give the same loss
/// history and weights), optional learning-rate halving and global-norm gradient clipping; each step runs in its own
/// dispose scope, so no tensor outlives its step. A non-finite loss stops training and is reported in
/// <see cref="InContextTrainingResult.Diverged"/>.
/// </remarks>
public sealed class InContextTrainer
{
    /// <summary>Creates a trainer.</summary>
    /// <param name="options">Settings; validated here.</param>
    /// <exception cref="ArgumentException">A setting is out of range (the message names it).</exception>
    public InContextTrainer(InContextTrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
    }

    /// <summary>The settings.</summary>
    public InContextTrainingOptions Options { get; }

    /// <summary>Trains <paramref name="model"/> in place and returns the loss history.</summary>
    /// <param name="model">A stack with <c>D = d + 1</c>, <c>o = 1</c>, the sampler's dtype and device, and at least one trainable layer.</param>
    /// <param name="sampler">The task distribution.</param>
    /// <param name="progress">Optional callback <c>(step, loss)</c>, every <see cref="InContextTrainingOptions.ProgressInterval"/> steps and at the last step.</param>
    /// <exception cref="ArgumentException">The model does not fit the sampler (width, output dimension, dtype, device) or has no parameters.</exception>
    public InContextTrainingResult Train(LinearTransformer model, RegressionPromptSampler sampler, Action<int, double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(sampler);
        if (model.Depth == 0)
            throw new ArgumentException("The model has no layers (L = 0): nothing to train.", nameof(model));
        var first = model.Layer(0);
        if (first.EmbeddingDim != sampler.EmbeddingDim)
            throw new ArgumentException($"Expected a model with token width D = d + 1 = {sampler.EmbeddingDim}, got {first.EmbeddingDim}.", nameof(model));
        if (model.OutputDim != 1)
            throw new ArgumentException($"Expected a model with o = 1 (scalar regression), got {model.OutputDim}.", nameof(model));
        if (first.DType != sampler.DType || first.Device.type != sampler.Device.type || first.Device.index != sampler.Device.index)
            throw new ArgumentException($"Expected a model of dtype {sampler.DType} on {sampler.Device} (the sampler's), got {first.DType} on {first.Device}.", nameof(model));

        var o = Options;
        var history = new List<double>(o.Steps);
        bool diverged = false;
        var watch = Stopwatch.StartNew();
        model.train();
        var parameters = model.parameters().ToArray();
        using var generator = new Generator((ulong)o.Seed, sampler.Device);
        using var optimizer = optim.Adam(parameters, o.LearningRate, o.Beta1, o.Beta2);
        double lr = o.LearningRate;
        for (int step = 0; step < o.Steps; step++)
        {
            if (HalvesAt(o, step))
            {
                lr *= 0.5;
                foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
            }
            double lossValue;
            using (var scope = NewDisposeScope())
            {
                optimizer.zero_grad();
                using var batch = sampler.Sample(o.BatchSize, generator);
                var prediction = model.Predict(batch.Prompt);
                var loss = (prediction - batch.QueryY).square().mean();  // sub takes no Scalar: safe (Bridge/HeldScalars)
                lossValue = loss.detach().to_type(ScalarType.Float64).item<double>();
                if (!double.IsFinite(lossValue))
                {
                    history.Add(lossValue);
                    diverged = true;
                    progress?.Invoke(step, lossValue);
                    break;
                }
                loss.backward();
                if (o.GradientClipNorm is { } clip)
                    nn.utils.clip_grad_norm_(parameters, clip);
                optimizer.step();
            }
            history.Add(lossValue);
            if (progress is not null && (step % o.ProgressInterval == 0 || step == o.Steps - 1))
                progress(step, lossValue);
        }
        model.eval();
        watch.Stop();
        return new InContextTrainingResult(history, o.Steps, diverged, watch.Elapsed);
    }

    /// <summary>The learning rate in force at <paramref name="step"/> (0-based) under <paramref name="options"/>' halving schedule.</summary>
    /// <param name="options">The settings (validated).</param>
    /// <param name="step">A step index ≥ 0.</param>
    /// <exception cref="ArgumentException">A setting is out of range, or <paramref name="step"/> &lt; 0.</exception>
    public static double LearningRateAt(InContextTrainingOptions options, int step)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        double lr = options.LearningRate;
        for (int s = 0; s <= step; s++) if (HalvesAt(options, s)) lr *= 0.5;
        return lr;
    }

    private static bool HalvesAt(InContextTrainingOptions o, int step)
    {
        int every = o.LearningRateHalvingInterval;
        if (every <= 0 || step <= 0) return false;
        int start = o.LearningRateHalvingStart > 0 ? o.LearningRateHalvingStart : every;
        return step >= start && (step - start) % every == 0;
    }
}
