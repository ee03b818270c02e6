using NeuralTheory.Bridge;
using static TorchSharp.torch;

namespace NeuralTheory.Normalization;

/// <summary>The scale <c>c</c> of the theory batch normalisation BN0 (spec normalization 3.2).</summary>
public enum Bn0Scale
{
    /// <summary><c>c = 1</c>: every feature has unit Euclidean norm over the batch.</summary>
    UnitRow,
    /// <summary><c>c = √n</c>: every feature has mean square 1 over the batch (default).</summary>
    UnitRms,
    /// <summary><c>c = 1/√d</c>: the whole representation has unit Frobenius norm (Daneshmand et al. 2021, Eq. (1)).</summary>
    UnitFrobenius,
}

/// <summary>
/// The normalisations the theory analyses (spec normalization 3.2, 3.4), as differentiable functions on batch-first
/// <c>X ∈ ℝ^{n×d}</c>: BN0 without mean reduction (Daneshmand et al. 2020, arXiv:2003.01652; 2021, arXiv:2106.03970; Meterez
/// et al. 2023, arXiv:2310.02012), LN0 (centred, RMS-scaled, no eps; Joudaki et al. 2023, arXiv:2305.18399) and the
/// per-sample RMS normalisation. None has parameters or eps; degenerate inputs throw instead of returning NaN.
/// </summary>
public static class TheoryNormalizations
{
    /// <summary>BN0: each feature (column of <c>X</c>) divided by its Euclidean norm over the batch, times <c>c</c>.</summary>
    /// <param name="x">Batch-first <c>(n, d)</c>, finite; <c>n = 1</c> allowed.</param>
    /// <param name="scale">The scale <c>c</c>.</param>
    /// <exception cref="ArgumentException">Wrong shape or dtype, non-finite input, or a feature that is 0 on the whole batch.</exception>
    public static Tensor BatchNorm0(Tensor x, Bn0Scale scale = Bn0Scale.UnitRms)
    {
        NormalizationChecks.BatchFirst(x, 0, nameof(x));
        if (!Enum.IsDefined(scale)) throw new ArgumentException($"Unknown scale {scale}.", nameof(scale));
        using var scope = NewDisposeScope();
        var norms = x.square().sum([0], keepdim: true);
        NormalizationChecks.NoZero(norms.detach(), "A feature's norm over the batch", nameof(x));
        double c = scale switch { Bn0Scale.UnitRow => 1, Bn0Scale.UnitRms => Math.Sqrt(x.shape[0]), _ => 1 / Math.Sqrt(x.shape[1]) };
        return (x / norms.sqrt()).Times(c).MoveToOuterDisposeScope();
    }

    /// <summary>LN0: each sample (row of <c>X</c>) centred over its features and divided by its RMS deviation (no eps, no affine).</summary>
    /// <param name="x">Batch-first <c>(n, d)</c>, finite.</param>
    /// <exception cref="ArgumentException">Wrong shape or dtype, non-finite input, or a constant sample.</exception>
    public static Tensor LayerNorm0(Tensor x)
    {
        NormalizationChecks.BatchFirst(x, 0, nameof(x));
        using var scope = NewDisposeScope();
        var centred = x - x.mean([1], keepdim: true);
        var variance = centred.square().mean([1], keepdim: true);
        NormalizationChecks.NoZero(variance.detach(), "The feature variance of a sample", nameof(x));
        return (centred / variance.sqrt()).MoveToOuterDisposeScope();
    }

    /// <summary>Per-sample RMS normalisation without centring: <c>Y_j = X_j / √((1/d) Σ_i X_ji²)</c>.</summary>
    /// <param name="x">Batch-first <c>(n, d)</c>, finite.</param>
    /// <exception cref="ArgumentException">Wrong shape or dtype, non-finite input, or an all-zero sample.</exception>
    public static Tensor RmsSampleNorm(Tensor x)
    {
        NormalizationChecks.BatchFirst(x, 0, nameof(x));
        using var scope = NewDisposeScope();
        var meanSquare = x.square().mean([1], keepdim: true);
        NormalizationChecks.NoZero(meanSquare.detach(), "A sample's mean square", nameof(x));
        return (x / meanSquare.sqrt()).MoveToOuterDisposeScope();
    }
}
