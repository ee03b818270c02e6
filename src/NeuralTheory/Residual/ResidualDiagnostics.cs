using TorchSharp;
using static TorchSharp.torch;

namespace NeuralTheory.Residual;

/// <summary>
/// Diagnostics of a <see cref="ResidualNetwork"/> (spec residual-scaling 4.3; the quantities of Marion et al. 2022,
/// arXiv:2206.06929): hidden-state norm ratios, gradient profiles for the default loss <c>ℓ = ⟨c, h_L⟩</c>, parameter gradient
/// norms, and the weight-regularity quantities of the stacks (Marion 2023's <c>Σ‖W_{k+1} − W_k‖</c>). Float64 results.
/// </summary>
public static class ResidualDiagnostics
{
    /// <summary><c>r_k = ‖h_k‖/‖h_0‖</c> per sample, shape <c>[L+1, n]</c>.</summary>
    /// <exception cref="ArgumentException">A bad input, or a zero sample.</exception>
    public static Tensor NormRatios(ResidualNetwork network, Tensor x)
    {
        ArgumentNullException.ThrowIfNull(network);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var norms = network.ForwardWithStates(x).to_type(ScalarType.Float64).norm(-1, false);     // [L+1, n]
        if (norms[0].eq(0).any().item<bool>()) throw new ArgumentException("A sample is zero: ‖h_0‖ = 0.", nameof(x));
        return (norms / norms[0]).MoveToOuterDisposeScope();
    }

    /// <summary><c>log(‖h_L‖/‖h_0‖)</c> per sample, shape <c>[n]</c>.</summary>
    /// <exception cref="ArgumentException">A bad input, or a zero sample.</exception>
    public static Tensor LogNormRatio(ResidualNetwork network, Tensor x)
    {
        using var ratios = NormRatios(network, x);
        return ratios[-1].log();
    }

    /// <summary><c>‖h_L − h_0‖/‖h_0‖</c> per sample (the [SCALE] code's hidden-state difference).</summary>
    /// <exception cref="ArgumentException">A bad input, or a zero sample.</exception>
    public static Tensor RelativeChange(ResidualNetwork network, Tensor x)
    {
        ArgumentNullException.ThrowIfNull(network);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var states = network.ForwardWithStates(x).to_type(ScalarType.Float64);
        var h0 = states[0].norm(-1, false);
        if (h0.eq(0).any().item<bool>()) throw new ArgumentException("A sample is zero: ‖h_0‖ = 0.", nameof(x));
        return ((states[-1] - states[0]).norm(-1, false) / h0).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <c>‖∂ℓ/∂h_k‖</c> for <c>k = 0..L</c> and every sample, shape <c>[L+1, n]</c>, for <c>ℓ = Σ_samples ⟨c, h_L⟩</c> (so <c>∂ℓ/∂h_L = c</c>);
    /// <paramref name="direction"/> is <c>c</c> (length <c>d</c>; default the normalised all-ones vector).
    /// </summary>
    /// <exception cref="ArgumentException">A bad input or direction.</exception>
    public static Tensor InputGradientNorms(ResidualNetwork network, Tensor x, Tensor? direction = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        using var scope = NewDisposeScope();
        using var grad = enable_grad();
        network.Check(x);
        var c = direction ?? ones(network.Width, x.dtype, x.device) / Math.Sqrt(network.Width);
        Attention.AttentionChecks.NotDisposed(c, nameof(direction));
        if (c.dim() != 1 || c.shape[0] != network.Width) throw new ArgumentException($"Expected a direction of length d = {network.Width}.", nameof(direction));
        Attention.AttentionChecks.SameKind(c, x, nameof(direction), nameof(x));
        Attention.AttentionChecks.Finite(c, nameof(direction));
        var states = new List<Tensor> { x.detach().requires_grad_(true) };
        using var alpha = network.Alpha.ToScalar();
        using var one = 1.0.ToScalar();
        for (int k = 0; k < network.Depth; k++)
        {
            var next = network.Block(states[^1], k, alpha, one);
            next.retain_grad();
            states.Add(next);
        }
        (states[^1] * c).sum().backward();
        var norms = stack(states.Select(s => s.grad!.to_type(ScalarType.Float64).norm(-1, false)).ToArray());
        network.zero_grad();
        return norms.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The regularity of a weight stack in the layer index: <c>Σ_k ‖Z_{k+1} − Z_k‖_F</c> (total variation) and
    /// <c>L · max_k ‖Z_{k+1} − Z_k‖_F</c> (the discrete Lipschitz constant in layer time, spec 3.5, bounded as <c>L</c> grows for Lipschitz-in-<c>t</c> weights; Frobenius norm).
    /// </summary>
    /// <param name="stack">A stack <c>[L, a, b]</c>.</param>
    /// <exception cref="ArgumentException">Not a rank-3 floating tensor.</exception>
    public static (double TotalVariation, double Lipschitz) Regularity(Tensor stack)
    {
        ArgumentNullException.ThrowIfNull(stack);
        if (stack.dim() != 3 || stack.shape.Any(s => s < 1)) throw new ArgumentException($"Expected a weight stack [L, a, b] with no empty dimension, got [{string.Join(", ", stack.shape)}].", nameof(stack));
        Attention.AttentionChecks.FloatingPoint(stack, nameof(stack));
        long depth = stack.shape[0];
        if (depth < 2) return (0, 0);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var diffs = (stack.narrow(0, 1, depth - 1) - stack.narrow(0, 0, depth - 1)).to_type(ScalarType.Float64).square().sum([1, 2]).sqrt();
        return (diffs.sum().item<double>(), depth * diffs.max().item<double>());
    }
}
