using NeuralTheory.Bridge;
using NeuralTheory.Numerics.Ode;
using static TorchSharp.torch;

namespace NeuralTheory.Ode;

/// <summary>
/// Explicit and semi-implicit (symplectic) Euler on tensors for split systems <c>dq/dt = G(t, q, p)</c>, <c>dp/dt = F(t, q, p)</c>
/// (spec neural-ode 3.2; Hairer, Lubich, Wanner, Geometric Numerical Integration, §I.1): the discretisations compared by
/// Zhang, Orvieto, Daneshmand, Hofmann, Smith 2021 (arXiv:2102.11537) for accelerated optimisation. Both have global order 1
/// and cost one evaluation of <c>F</c> and one of <c>G</c> per step.
/// </summary>
public static class SplitSystemSolver
{
    /// <summary>A vector field of a split system: <c>(t, q, p) ↦ value</c>, a new tensor shaped like <c>q</c> (for <c>G</c>) or <c>p</c> (for <c>F</c>).</summary>
    public delegate Tensor Field(double t, Tensor q, Tensor p);

    /// <summary>Explicit Euler: <c>p_{n+1} = p_n + h F(t_n, q_n, p_n)</c>, <c>q_{n+1} = q_n + h G(t_n, q_n, p_n)</c>.</summary>
    /// <param name="g">The position field <c>G</c>.</param>
    /// <param name="f">The momentum field <c>F</c>.</param>
    /// <param name="q0">Initial position (float32 or float64, finite).</param>
    /// <param name="p0">Initial momentum, same dtype and device as <paramref name="q0"/>.</param>
    /// <param name="t0">Initial time.</param>
    /// <param name="h">Step size (finite, non-zero; negative integrates backwards).</param>
    /// <param name="steps">Number of steps <c>N ≥ 0</c>.</param>
    /// <returns>All iterates: <c>Q</c>, <c>P</c> of shape <c>[N+1, …]</c> (index 0 is a copy of the start).</returns>
    /// <exception cref="ArgumentException">A bad argument, or a field returned the wrong shape, dtype or device.</exception>
    public static (Tensor Q, Tensor P) ExplicitEuler(Field g, Field f, Tensor q0, Tensor p0, double t0, double h, int steps) =>
        Run(g, f, q0, p0, t0, h, steps, (t, _, q, p) =>
        {
            var dp = Call(f, nameof(f), t, q, p, p);
            var dq = Call(g, nameof(g), t, q, p, q);
            return (q.Plus(dq.Times(h)), p.Plus(dp.Times(h)));
        });

    /// <summary>
    /// Semi-implicit Euler, <see cref="SieOrder.PFirst"/> (default): <c>p_{n+1} = p_n + h F(t_n, q_n, p_n)</c>,
    /// <c>q_{n+1} = q_n + h G(t_{n+1}, q_n, p_{n+1})</c>; <see cref="SieOrder.QFirst"/> is its adjoint method (q from <c>p_n</c>, then p from <c>q_{n+1}</c>).
    /// </summary>
    /// <param name="g">The position field <c>G</c>.</param>
    /// <param name="f">The momentum field <c>F</c>.</param>
    /// <param name="q0">Initial position.</param>
    /// <param name="p0">Initial momentum.</param>
    /// <param name="t0">Initial time.</param>
    /// <param name="h">Step size (finite, non-zero).</param>
    /// <param name="steps">Number of steps <c>N ≥ 0</c>.</param>
    /// <param name="order">Which variable is updated first.</param>
    /// <returns>All iterates, as for <see cref="ExplicitEuler"/>.</returns>
    /// <exception cref="ArgumentException">A bad argument, or a field returned the wrong shape, dtype or device.</exception>
    public static (Tensor Q, Tensor P) SemiImplicitEuler(Field g, Field f, Tensor q0, Tensor p0, double t0, double h, int steps, SieOrder order = SieOrder.PFirst)
    {
        if (!Enum.IsDefined(order)) throw new ArgumentException($"Unknown order {order}.", nameof(order));
        return Run(g, f, q0, p0, t0, h, steps, order == SieOrder.PFirst
            ? (t, t1, q, p) =>
            {
                var pNext = p.Plus(Call(f, nameof(f), t, q, p, p).Times(h));
                return (q.Plus(Call(g, nameof(g), t1, q, pNext, q).Times(h)), pNext);
            }
            : (t, t1, q, p) =>
            {
                var qNext = q.Plus(Call(g, nameof(g), t, q, p, q).Times(h));
                return (qNext, p.Plus(Call(f, nameof(f), t1, qNext, p, p).Times(h)));
            });
    }

    private static (Tensor Q, Tensor P) Run(Field g, Field f, Tensor q0, Tensor p0, double t0, double h, int steps, Func<double, double, Tensor, Tensor, (Tensor, Tensor)> step)
    {
        ArgumentNullException.ThrowIfNull(g);
        ArgumentNullException.ThrowIfNull(f);
        OdeSolver.CheckState(q0, nameof(q0));
        OdeSolver.CheckState(p0, nameof(p0));
        if (p0.dtype != q0.dtype || p0.device_type != q0.device_type || p0.device_index != q0.device_index)
            throw new ArgumentException($"Expected p0 of dtype {q0.dtype} on {q0.device} (that of q0), got {p0.dtype} on {p0.device}.", nameof(p0));
        if (!double.IsFinite(t0)) throw new ArgumentException($"Expected a finite t0, got {t0}.", nameof(t0));
        if (!double.IsFinite(h) || h == 0) throw new ArgumentException($"Expected a finite non-zero step size, got {h}.", nameof(h));
        if (steps < 0) throw new ArgumentException($"Expected N ≥ 0 steps, got {steps}.", nameof(steps));
        using var scope = NewDisposeScope();
        var qs = new List<Tensor>(steps + 1) { q0.clone() };
        var ps = new List<Tensor>(steps + 1) { p0.clone() };
        Tensor q = q0, p = p0;
        for (int n = 0; n < steps; n++)
        {
            (q, p) = step(t0 + n * h, t0 + (n + 1) * h, q, p);   // times by multiplication, as the reference
            qs.Add(q);
            ps.Add(p);
        }
        return (stack(qs).MoveToOuterDisposeScope(), stack(ps).MoveToOuterDisposeScope());
    }

    private static Tensor Call(Field field, string name, double t, Tensor q, Tensor p, Tensor like)
    {
        var r = field(t, q, p) ?? throw new ArgumentException("The field returned null.", name);
        if (!r.shape.SequenceEqual(like.shape) || r.dtype != like.dtype || r.device_type != like.device_type)
            throw new ArgumentException($"The field returned shape [{string.Join(", ", r.shape)}] {r.dtype}; expected [{string.Join(", ", like.shape)}] {like.dtype}.", name);
        return r;
    }
}
