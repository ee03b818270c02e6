using MathNet.Numerics.LinearAlgebra;

namespace NeuralTheory.Numerics.Ode;

/// <summary>
/// Closed-form gradients for the linear ODE <c>y' = A y</c> with loss <c>L = ½‖y(T)‖²</c> (spec <c>neural-ode.md</c>
/// §3.11, §7.5), the exact values that backprop-through-the-solver and the adjoint method (Chen et al. 2018,
/// arXiv:1806.07366) must approach: <c>y(T) = e^{TA} y0</c>, <c>dL/dy0 = (e^{TA})ᵀ y(T)</c> and
/// <c>dL/dA_ij = y(T)ᵀ L(TA, T E_ij) y0</c> with <c>L</c> the Fréchet derivative of the exponential
/// (<see cref="MatrixExponential.Frechet"/>).
/// </summary>
public static class LinearOdeAdjoint
{
    /// <summary>
    /// The solution, loss and gradients. <c>dL/dA</c> is computed with a single Fréchet derivative,
    /// <c>dL/dA = T·L(T Aᵀ, y(T) y0ᵀ)</c> (the adjoint of <c>E ↦ L(X, E)</c> in the Frobenius product is
    /// <c>G ↦ L(Xᵀ, G)</c>); <see cref="QuadraticLossEntrywise"/> evaluates the n² directional derivatives instead.
    /// </summary>
    /// <param name="a">The system matrix (n×n, finite).</param>
    /// <param name="y0">The initial value (length n, finite).</param>
    /// <param name="t">The final time <c>T</c> (finite).</param>
    /// <exception cref="ArgumentException">Inconsistent sizes or a non-finite entry.</exception>
    public static LinearOdeGradients QuadraticLoss(Matrix<double> a, Vector<double> y0, double t)
    {
        var (exp, yT) = Prepare(a, y0, t);
        var dA = t * MatrixExponential.Frechet(t * a.Transpose(), yT.OuterProduct(y0));
        return new LinearOdeGradients(yT, 0.5 * yT.DotProduct(yT), exp.TransposeThisAndMultiply(yT), dA);
    }

    /// <summary>As <see cref="QuadraticLoss"/>, with <c>dL/dA_ij = y(T)ᵀ L(TA, T E_ij) y0</c> evaluated entry by entry (n² Fréchet derivatives; a cross-check).</summary>
    /// <param name="a">The system matrix (n×n, finite).</param>
    /// <param name="y0">The initial value (length n, finite).</param>
    /// <param name="t">The final time <c>T</c> (finite).</param>
    /// <exception cref="ArgumentException">Inconsistent sizes or a non-finite entry.</exception>
    public static LinearOdeGradients QuadraticLossEntrywise(Matrix<double> a, Vector<double> y0, double t)
    {
        var (exp, yT) = Prepare(a, y0, t);
        int n = a.RowCount;
        var dA = Matrix<double>.Build.Dense(n, n);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                var e = Matrix<double>.Build.Dense(n, n);
                e[i, j] = t;
                dA[i, j] = yT.DotProduct(MatrixExponential.Frechet(t * a, e) * y0);
            }
        return new LinearOdeGradients(yT, 0.5 * yT.DotProduct(yT), exp.TransposeThisAndMultiply(yT), dA);
    }

    private static (Matrix<double> Exp, Vector<double> YT) Prepare(Matrix<double> a, Vector<double> y0, double t)
    {
        ArgumentNullException.ThrowIfNull(a);
        for (int i = 0; i < a.RowCount; i++)
            for (int j = 0; j < a.ColumnCount; j++)
                if (!double.IsFinite(a[i, j])) throw new ArgumentException($"a must be finite; entry [{i},{j}] is {a[i, j]}.", nameof(a));
        var y = Vector<double>.Build.Dense(OdeChecks.State(y0));
        if (a.RowCount != a.ColumnCount || a.RowCount != y.Count)
            throw new ArgumentException($"a must be n×n with n = |y0| = {y.Count}; got {a.RowCount}×{a.ColumnCount}.", nameof(a));
        if (!double.IsFinite(t)) throw new ArgumentException($"t must be finite; got {t}.", nameof(t));
        var exp = MatrixExponential.Compute(t * a);
        return (exp, exp * y);
    }
}
