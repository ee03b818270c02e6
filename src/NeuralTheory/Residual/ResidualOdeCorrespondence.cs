using NeuralTheory.Ode;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralTheory.Residual;

/// <summary>
/// The exact map between a residual network with <c>α = 1/L</c> and explicit Euler with step <c>1/L</c> on a neural ODE
/// (spec residual-scaling 2.4; Marion et al. 2023, "Implicit regularization of deep residual networks towards neural ODEs",
/// arXiv:2309.01213): block <c>k</c> runs from <c>t_{k−1} = (k−1)/L</c> to <c>t_k = k/L</c> and uses the <b>left-endpoint</b> weights
/// <c>V_k = V(t_{k−1})</c>, <c>W_k = W(t_{k−1})</c>. Both directions are provided; the ODE side uses the ODE area's solvers.
/// </summary>
public static class ResidualOdeCorrespondence
{
    /// <summary>
    /// The residual network that is explicit Euler with <c>L</c> steps on <c>dH/dt = V(t) σ(W(t) H)</c> (or the other branches):
    /// weights sampled at <c>t = (k−1)/L</c>, <c>α = 1/L</c> exactly (<see cref="ResidualScaling.Explicit"/>, not a power law).
    /// </summary>
    /// <param name="v"><c>t ↦ V(t)</c>, a <c>[d, m]</c> tensor (null for PostActivation).</param>
    /// <param name="w"><c>t ↦ W(t)</c>, a <c>[m, d]</c> tensor (null for Linear and PreActivation).</param>
    /// <param name="depth"><c>L ≥ 1</c>.</param>
    /// <param name="branch">The branch.</param>
    /// <param name="activation">The activation.</param>
    /// <exception cref="ArgumentException">A bad argument, or the weight functions return inconsistent shapes.</exception>
    public static ResidualNetwork FromOde(Func<double, Tensor>? v, Func<double, Tensor>? w, int depth, BranchType branch, ResidualActivation activation)
    {
        if (depth < 1) throw new ArgumentException($"Expected depth L ≥ 1, got {depth}.", nameof(depth));
        using var scope = NewDisposeScope();
        Tensor? Stack(Func<double, Tensor>? f) => f is null ? null : stack(Enumerable.Range(0, depth).Select(k => f(k / (double)depth)).ToArray());
        return ResidualNetwork.FromWeights(Stack(v), Stack(w), branch, activation, ResidualScaling.Explicit(1.0 / depth));
    }

    /// <summary>
    /// The vector field whose explicit Euler scheme with step <c>1/L</c> on <c>[0, 1]</c> is the network when <c>α = 1/L</c>:
    /// <c>f(t, H) = r_{k(t)}(H)</c> with the block <c>k(t) = ⌊t L⌋ + 1</c> (piecewise constant in <c>t</c>; rows of <c>H</c> are samples).
    /// </summary>
    /// <param name="network">The network (its own α is not used by the field).</param>
    public static IOdeFunc ToOde(ResidualNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        int depth = network.Depth;
        return new OdeFunc((t, h) =>
        {
            double time = t.item<double>();
            int k = Math.Clamp((int)Math.Floor(time * depth + 1e-9), 0, depth - 1);
            return network.Branch_(h, k);
        });
    }

    /// <summary>The network's states computed as explicit Euler on <see cref="ToOde"/> with the grid <c>t_k = k/L</c>: <c>[L+1, n, d]</c>.</summary>
    /// <param name="network">The network.</param>
    /// <param name="x">Input batch <c>[n, d]</c>.</param>
    /// <exception cref="ArgumentException">A bad argument.</exception>
    public static Tensor EulerStates(ResidualNetwork network, Tensor x)
    {
        ArgumentNullException.ThrowIfNull(network);
        network.Check(x);
        var ts = Enumerable.Range(0, network.Depth + 1).Select(k => k / (double)network.Depth).ToArray();
        using var solution = OdeSolver.Solve(ToOde(network), x, ts, new OdeOptions { Method = OdeMethod.Euler, MaxSteps = Math.Max(4096, network.Depth) });
        return solution.Ys.clone();
    }
}
