using TorchSharp;
using static TorchSharp.torch;

namespace NeuralTheory.Attention;

/// <summary>
/// Argument checks shared by the attention area (spec Section 8): every bad shape, dtype, device or non-finite
/// value becomes an <see cref="ArgumentException"/> naming the parameter and the expected value, before any native
/// call could fail in an unhelpful way.
/// </summary>
internal static class AttentionChecks
{
    internal static string Shape(Tensor t) => $"[{string.Join(", ", t.shape)}]";

    internal static void NotDisposed(Tensor? t, string parameter)
    {
        ArgumentNullException.ThrowIfNull(t, parameter);
        if (t.IsInvalid) throw new ArgumentException("The tensor has been disposed.", parameter);
    }

    internal static void FloatingPoint(Tensor t, string parameter)
    {
        if (t.dtype is not (ScalarType.Float64 or ScalarType.Float32))
            throw new ArgumentException($"Expected dtype Float64 or Float32, got {t.dtype}.", parameter);
    }

    internal static void Finite(Tensor t, string parameter)
    {
        using var scope = NewDisposeScope();
        // A finite sum implies finite entries (a NaN or ±∞ entry makes the sum NaN or ±∞); only when the sum is not
        // finite (a non-finite entry, or an overflow of huge finite ones) is the exact element-wise test needed.
        if (t.numel() > 0 && double.IsFinite(t.sum().to_type(ScalarType.Float64).item<double>())) return;
        if (!isfinite(t).all().item<bool>())
            throw new ArgumentException($"The tensor of shape {Shape(t)} contains NaN or infinite entries.", parameter);
    }

    internal static void Finite(double value, string parameter)
    {
        if (!double.IsFinite(value))
            throw new ArgumentException($"Expected a finite number, got {value}.", parameter);
    }

    internal static void SameKind(Tensor t, Tensor reference, string parameter, string referenceName)
    {
        if (t.dtype != reference.dtype)
            throw new ArgumentException($"Expected dtype {reference.dtype} (that of {referenceName}), got {t.dtype}.", parameter);
        if (t.device_type != reference.device_type || t.device_index != reference.device_index)
            throw new ArgumentException($"Expected device {reference.device} (that of {referenceName}), got {t.device}.", parameter);
    }

    /// <summary>A prompt <c>Z</c> of shape <c>(B, N+1, D)</c> with <c>N ≥ 1</c>, a floating dtype and finite entries.</summary>
    internal static void Prompt(Tensor z, long? embeddingDim, string parameter)
    {
        NotDisposed(z, parameter);
        if (z.dim() != 3)
            throw new ArgumentException(
                $"Expected a prompt Z of shape (B, N+1, D) (batch, tokens with the query last, features), got shape {Shape(z)}.", parameter);
        if (z.shape[0] < 1)
            throw new ArgumentException($"The prompt batch is empty (shape {Shape(z)}); expected B ≥ 1.", parameter);
        if (z.shape[1] < 2)
            throw new ArgumentException(
                $"The prompt has {z.shape[1]} token(s) (shape {Shape(z)}); expected N+1 ≥ 2 rows: at least one context token (N ≥ 1) and the query as the last row.", parameter);
        if (embeddingDim is { } d && z.shape[2] != d)
            throw new ArgumentException($"Expected D = {d} features per token (Z of shape (B, N+1, {d})), got shape {Shape(z)}.", parameter);
        if (z.shape[2] < 1)
            throw new ArgumentException($"Expected D ≥ 1 features per token, got shape {Shape(z)}.", parameter);
        FloatingPoint(z, parameter);
        Finite(z, parameter);
    }
}
