using NeuralTheory.Bridge;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuralTheory.Normalization;

/// <summary>
/// Standard batch normalisation (Ioffe &amp; Szegedy 2015) on batch-first <c>X ∈ ℝ^{n×d}</c>, as spec normalization 3.1 defines
/// it: per feature <c>i</c>, <c>Y_ji = γ_i (X_ji − μ_i)/√(v_i + eps) + β_i</c> with the batch mean and the <b>biased</b> batch
/// variance in training mode; in evaluation mode the running statistics replace them. The running variance is updated
/// with the unbiased batch variance, as PyTorch and TorchSharp's <c>BatchNorm1d</c> do.
/// </summary>
/// <remarks>
/// <para>Papers: Daneshmand et al. 2020 (arXiv:2003.01652) and 2021 (arXiv:2106.03970) analyse it at initialisation;
/// Meterez et al. 2023 (arXiv:2310.02012) train with it. Differentiable through the batch statistics.</para>
/// <para>Degenerate inputs (spec 3.1): training mode needs <c>n ≥ 2</c>; a constant feature gives exactly <c>β_i</c> when
/// <c>eps &gt; 0</c> and an <see cref="ArgumentException"/> when <c>eps = 0</c> (never NaN).</para>
/// </remarks>
public sealed class BatchNorm : nn.Module<Tensor, Tensor>
{
    // Parameters and buffers are looked up by name on use: .to(...) replaces them in the module's tables.
    private Parameter? weight => get_parameter("weight");
    private Parameter? bias => get_parameter("bias");

    /// <summary>Creates the layer with <c>γ = 1</c>, <c>β = 0</c>, running mean 0 and running variance 1.</summary>
    /// <param name="features">Number of features <c>d ≥ 1</c>.</param>
    /// <param name="eps">Added to the variance inside the square root (finite, ≥ 0; default 1e−5).</param>
    /// <param name="affine">Learn <c>γ</c> and <c>β</c> (default true).</param>
    /// <param name="momentum">Running-statistics update rate in <c>[0, 1]</c> (default 0.1).</param>
    /// <param name="dtype">Float32 (default) or Float64.</param>
    /// <param name="device">Target device; CPU when <c>null</c>.</param>
    /// <exception cref="ArgumentException">An argument is out of range.</exception>
    public BatchNorm(long features, double eps = 1e-5, bool affine = true, double momentum = 0.1,
        ScalarType dtype = ScalarType.Float32, Device? device = null) : base(nameof(BatchNorm))
    {
        NormalizationChecks.Features(features);
        NormalizationChecks.Eps(eps);
        if (!double.IsFinite(momentum) || momentum < 0 || momentum > 1)
            throw new ArgumentException($"Expected a momentum in [0, 1], got {momentum}.", nameof(momentum));
        DtypeCheck.Floating(dtype);
        var target = DeviceCheck.Resolve(device, nameof(device));
        Features = features;
        Eps = eps;
        Momentum = momentum;
        if (affine)
        {
            register_parameter("weight", new Parameter(ones(features, dtype, target)));
            register_parameter("bias", new Parameter(zeros(features, dtype, target)));
        }
        register_buffer("running_mean", zeros(features, dtype, target));
        register_buffer("running_var", ones(features, dtype, target));
    }

    /// <summary>Number of features <c>d</c>.</summary>
    public long Features { get; }

    /// <summary>The eps added to the variance.</summary>
    public double Eps { get; }

    /// <summary>Running-statistics update rate.</summary>
    public double Momentum { get; }

    /// <summary><c>γ</c> (null without affine).</summary>
    public Parameter? Weight => weight;

    /// <summary><c>β</c> (null without affine).</summary>
    public Parameter? Bias => bias;

    /// <summary>The running mean (evaluation-mode statistics).</summary>
    public Tensor RunningMean => get_buffer("running_mean")!;

    /// <summary>The running (unbiased) variance (evaluation-mode statistics).</summary>
    public Tensor RunningVar => get_buffer("running_var")!;

    /// <summary>Normalises <c>X (n, d)</c>: batch statistics in training mode (<c>n ≥ 2</c>), running statistics in evaluation mode.</summary>
    /// <exception cref="ArgumentException">Wrong shape, dtype or device, non-finite input, <c>n = 1</c> in training mode, or a constant feature with <c>eps = 0</c>.</exception>
    public override Tensor forward(Tensor x)
    {
        NormalizationChecks.BatchFirst(x, Features, nameof(x));
        Attention.AttentionChecks.SameKind(x, RunningMean, nameof(x), "the layer's statistics");
        using var scope = NewDisposeScope();
        Tensor centred, variance;
        if (training)
        {
            long n = x.shape[0];
            if (n < 2) throw new ArgumentException($"BatchNorm in training mode needs n ≥ 2 samples, got shape [{n}, {x.shape[1]}].", nameof(x));
            var mean = x.mean([0]);
            centred = x - mean;
            variance = centred.square().mean([0]);
            if (Eps == 0) NormalizationChecks.NoZero(variance.detach(), "The batch variance of a feature", nameof(x));
            using (no_grad())
            {
                RunningMean.DecayAndAddInPlace(1 - Momentum, mean.detach(), Momentum);
                RunningVar.DecayAndAddInPlace(1 - Momentum, variance.detach().Times((double)n / (n - 1)), Momentum);
            }
        }
        else
        {
            centred = x - RunningMean;
            variance = RunningVar;
            if (Eps == 0) NormalizationChecks.NoZero(variance, "A running variance", nameof(x));
        }
        var y = centred / variance.PlusValue(Eps).sqrt();
        if (weight is not null) y = (y * weight).Plus(bias!);
        return y.MoveToOuterDisposeScope();
    }
}
