using NeuralTheory.Bridge;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuralTheory.Normalization;

/// <summary>
/// Standard layer normalisation (Ba, Kiros &amp; Hinton 2016) on batch-first <c>X ∈ ℝ^{n×d}</c>, as spec normalization 3.3
/// defines it: per sample <c>j</c>, <c>Y_ji = γ_i (X_ji − μ_j)/√(v_j + eps) + β_i</c> with the mean and <b>biased</b> variance
/// over the <c>d</c> features (the same in training and evaluation). Joudaki et al. 2023 (arXiv:2305.18399) study how it,
/// with an activation, biases deep representations towards isometry.
/// </summary>
/// <remarks><c>d = 1</c> gives <c>β</c> (degenerate, every sample is its own mean); a constant sample with <c>eps = 0</c> throws.</remarks>
public sealed class LayerNorm : nn.Module<Tensor, Tensor>
{
    // Parameters and buffers are looked up by name on use: .to(...) replaces them in the module's tables.
    private Parameter? weight => get_parameter("weight");
    private Parameter? bias => get_parameter("bias");

    /// <summary>Creates the layer with <c>γ = 1</c>, <c>β = 0</c>.</summary>
    /// <param name="features">Number of features <c>d ≥ 1</c>.</param>
    /// <param name="eps">Added to the variance (finite, ≥ 0; default 1e−5).</param>
    /// <param name="affine">Learn <c>γ</c> and <c>β</c> per feature (default true).</param>
    /// <param name="dtype">Float32 (default) or Float64.</param>
    /// <param name="device">Target device; CPU when <c>null</c>.</param>
    /// <exception cref="ArgumentException">An argument is out of range.</exception>
    public LayerNorm(long features, double eps = 1e-5, bool affine = true, ScalarType dtype = ScalarType.Float32, Device? device = null)
        : base(nameof(LayerNorm))
    {
        NormalizationChecks.Features(features);
        NormalizationChecks.Eps(eps);
        DtypeCheck.Floating(dtype);
        var target = DeviceCheck.Resolve(device, nameof(device));
        Features = features;
        Eps = eps;
        if (affine)
        {
            register_parameter("weight", new Parameter(ones(features, dtype, target)));
            register_parameter("bias", new Parameter(zeros(features, dtype, target)));
        }
    }

    /// <summary>Number of features <c>d</c>.</summary>
    public long Features { get; }

    /// <summary>The eps added to the variance.</summary>
    public double Eps { get; }

    /// <summary><c>γ</c> (null without affine).</summary>
    public Parameter? Weight => weight;

    /// <summary><c>β</c> (null without affine).</summary>
    public Parameter? Bias => bias;

    /// <summary>Normalises every sample (row) of <c>X (n, d)</c> over its features.</summary>
    /// <exception cref="ArgumentException">Wrong shape, dtype or device, non-finite input, or a constant sample with <c>eps = 0</c>.</exception>
    public override Tensor forward(Tensor x)
    {
        NormalizationChecks.BatchFirst(x, Features, nameof(x));
        if (weight is not null) Attention.AttentionChecks.SameKind(x, weight, nameof(x), "the layer's weights");
        using var scope = NewDisposeScope();
        var centred = x - x.mean([1], keepdim: true);
        var variance = centred.square().mean([1], keepdim: true);
        if (Eps == 0) NormalizationChecks.NoZero(variance.detach(), "The feature variance of a sample", nameof(x));
        var y = centred / variance.PlusValue(Eps).sqrt();
        if (weight is not null) y = (y * weight).Plus(bias!);
        return y.MoveToOuterDisposeScope();
    }
}
