using MathNet.Numerics.LinearAlgebra;

namespace NeuralTheory.Numerics.Residual;

/// <summary>
/// The float64 forward pass of a deep ResNet with depth factor α (spec <c>residual-scaling.md</c> 3.1):
/// <c>h_k = h_{k−1} + α · r_k(h_{k−1})</c> for k = 1..L, with the branches of <see cref="ResNetBranch"/>. This is the
/// model of Marion, Fermanian, Biau, Vert, <i>Scaling ResNets in the Large-depth Regime</i> (arXiv:2206.06929), with
/// α = L^(−β); with α = 1/L and left-endpoint weights it is exactly the explicit Euler scheme of the neural ODE
/// studied in Marion, Wu, Sander, Biau (arXiv:2309.01213) and Marion, <i>Generalization bounds for neural ordinary
/// differential equations and deep residual networks</i> (arXiv:2305.06648). The independent oracle for the tensor
/// module <c>NeuralTheory.Residual.ResidualNetwork</c>.
/// </summary>
public static class ResNetForward
{
    /// <summary>
    /// Every hidden state <c>h_0..h_L</c> (h_0 as a copy), evaluating <c>r = V·σ(W·h)</c> and then <c>h = h + α r</c>.
    /// Layer k uses <c>v[k−1]</c> and <c>w[k−1]</c>; stacks the branch does not use (W for Linear and PreActivation,
    /// V for PostActivation) may be <c>null</c> and are ignored. α = 0 returns L + 1 copies of h_0.
    /// </summary>
    /// <param name="h0">The input state <c>h_0 ∈ R^d</c>, d ≥ 1, finite.</param>
    /// <param name="v">Outer weights V_1..V_L: d×d for Linear and PreActivation, d×m for TwoLayer.</param>
    /// <param name="w">Inner weights W_1..W_L: d×d for PostActivation, m×d for TwoLayer (m = rows of W_1).</param>
    /// <param name="branch">The residual branch.</param>
    /// <param name="sigma">The activation (ignored by Linear).</param>
    /// <param name="alpha">The residual scaling α ≥ 0, finite.</param>
    /// <returns>An array of L + 1 new vectors.</returns>
    /// <exception cref="ArgumentNullException">A stack the branch uses is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">L &lt; 1, α negative or not finite, or an undefined enum value.</exception>
    /// <exception cref="ArgumentException">A wrong shape (naming the layer and the shape expected) or a non-finite entry.</exception>
    public static Vector<double>[] Run(Vector<double> h0, IReadOnlyList<Matrix<double>>? v, IReadOnlyList<Matrix<double>>? w,
        ResNetBranch branch, ResNetActivation sigma, double alpha)
    {
        ResNetValidate.Branch(branch);
        ResNetValidate.Activation(sigma);
        ResNetValidate.Alpha(alpha);
        ResNetValidate.Vector(h0, nameof(h0), "the input state h_0 ∈ R^d");
        var (depth, _) = ResNetValidate.Stacks(v, w, branch, h0.Count);

        var states = new Vector<double>[depth + 1];
        states[0] = h0.Clone();
        for (int k = 1; k <= depth; k++)
        {
            var h = states[k - 1];
            var r = Branch(h, ResNetValidate.UsesV(branch) ? v![k - 1] : null, ResNetValidate.UsesW(branch) ? w![k - 1] : null, branch, sigma);
            states[k] = h + alpha * r;
        }
        return states;
    }

    /// <summary>r_k(h) for one block, evaluated as <c>V·σ(W·h)</c>.</summary>
    internal static Vector<double> Branch(Vector<double> h, Matrix<double>? vk, Matrix<double>? wk, ResNetBranch branch, ResNetActivation sigma) => branch switch
    {
        ResNetBranch.Linear => vk! * h,
        ResNetBranch.PreActivation => vk! * ResNetActivations.Value(sigma, h),
        ResNetBranch.PostActivation => ResNetActivations.Value(sigma, wk! * h),
        ResNetBranch.TwoLayer => vk! * ResNetActivations.Value(sigma, wk! * h),
        _ => throw new ArgumentOutOfRangeException(nameof(branch), branch, "Undefined ResNetBranch."),
    };
}
