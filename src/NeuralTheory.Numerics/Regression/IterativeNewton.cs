using MathNet.Numerics.LinearAlgebra;

namespace NeuralTheory.Numerics.Regression;

/// <summary>
/// Iterative Newton (Newton–Schulz) for the least-squares normal equations, the second-order method that trained
/// transformers emulate per Fu et al. 2023 (arXiv:2310.17086); spec 3.4: <c>S = XᵀX</c>, <c>M_0 = α S</c>,
/// <c>M_{k+1} = 2 M_k − M_k S M_k</c>, <c>w_k = M_k Xᵀ y</c>, <c>ŷ_k = x_qᵀ w_k</c>. Error recursion
/// <c>E_k = I − S M_k = (I − α S²)^{2^k}</c>, so on range(S) the contraction is <c>ρ_0^{2^k}</c> with
/// <c>ρ_0 = max |1 − α λ_i(S)²|</c> over the nonzero eigenvalues; converges iff <c>0 &lt; α &lt; 2/λ_max(S)²</c>
/// (the boundary does not converge). Default <c>α = 1/‖S Sᵀ‖_F</c> as in [FU]'s code. Singular <c>S</c>:
/// <c>M_k → S⁺</c> and <c>w_k → X⁺ y</c> (minimum norm). Runs exactly <c>K</c> steps.
/// </summary>
public static class IterativeNewton
{
    /// <summary>Runs <paramref name="steps"/> = K Newton–Schulz steps; <paramref name="alpha"/> defaults to <c>1/‖S Sᵀ‖_F</c>.</summary>
    /// <exception cref="ArgumentException">Shapes are inconsistent, an entry is not finite, or X = 0 with the default α.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><c>α ≤ 0</c> or not finite, or <c>K &lt; 0</c>.</exception>
    public static NewtonSchulzSolution Run(Matrix<double> x, Vector<double> y, Vector<double> xq, int steps, double? alpha = null)
    {
        Validate.Design(x, nameof(x));
        Validate.Targets(x, y, nameof(y));
        Validate.Query(x, xq, nameof(xq));
        Validate.Steps(steps, nameof(steps));
        double a = alpha ?? DefaultAlpha(x);
        Validate.Positive(a, nameof(alpha));
        var s = x.TransposeThisAndMultiply(x);
        var xty = x.TransposeThisAndMultiply(y);
        var identity = Matrix<double>.Build.DenseIdentity(x.ColumnCount);
        var m = a * s;
        var inverses = new List<Matrix<double>> { m };
        for (int k = 0; k < steps; k++)
        {
            m = 2 * m - m * s * m;
            inverses.Add(m);
        }
        var iterates = inverses.Select(mk => (mk * xty).ToRowMatrix()).ToArray();
        var errors = inverses.Select(mk => (identity - s * mk).L2Norm()).ToArray();
        return new NewtonSchulzSolution(inverses, IterativeSolution.FromIterates(x, y.ToColumnMatrix(), xq, iterates),
            a, InitialContraction(x, a), errors);
    }

    /// <summary>The default step <c>α = 1/‖S Sᵀ‖_F</c>, <c>S = XᵀX</c> ([FU]'s code); always <c>≤ 1/λ_max(S)²</c>.</summary>
    /// <exception cref="ArgumentException">X is empty, not finite, or all zero.</exception>
    public static double DefaultAlpha(Matrix<double> x)
    {
        Validate.Design(x, nameof(x));
        var s = x.TransposeThisAndMultiply(x);
        double norm = s.TransposeAndMultiply(s).FrobeniusNorm();
        if (!(norm > 0))
            throw new ArgumentException("x must have a nonzero entry: S = XᵀX = 0 has no default α = 1/‖S Sᵀ‖_F.", nameof(x));
        return 1.0 / norm;
    }

    /// <summary>
    /// <c>ρ_0 = max |1 − α λ_i(S)²|</c> over the nonzero eigenvalues of <c>S = XᵀX</c> (computed as squared singular
    /// values of X above <c>max(N, d)·ε·σ_max</c>); 0 when X = 0.
    /// </summary>
    /// <exception cref="ArgumentException">X is empty or not finite.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><c>α ≤ 0</c> or not finite.</exception>
    public static double InitialContraction(Matrix<double> x, double alpha)
    {
        Validate.Design(x, nameof(x));
        Validate.Positive(alpha, nameof(alpha));
        double rho = 0;
        foreach (double lambda in LeastSquares.NonzeroSingularValues(x).Select(sv => sv * sv))
            rho = Math.Max(rho, Math.Abs(1 - alpha * lambda * lambda));
        return rho;
    }

    /// <summary>
    /// Steps needed for <c>ρ_0^{2^k} ≤ ε</c>: <c>k = ⌈log₂(ln ε / ln ρ_0)⌉</c> (0 when <c>ρ_0 ≤ ε</c>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><c>ρ_0 ∉ [0, 1)</c> (no convergence) or <c>ε ∉ (0, 1)</c>.</exception>
    public static int PredictedSteps(double rho0, double epsilon)
    {
        if (!(rho0 >= 0 && rho0 < 1))
            throw new ArgumentOutOfRangeException(nameof(rho0), rho0, "rho0 must lie in [0, 1); otherwise Newton–Schulz does not converge.");
        if (!(epsilon > 0 && epsilon < 1))
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must lie in (0, 1).");
        if (rho0 <= epsilon) return 0;
        return Math.Max(0, (int)Math.Ceiling(Math.Log2(Math.Log(epsilon) / Math.Log(rho0))));
    }
}

/// <summary>
/// The record of an <see cref="IterativeNewton"/> run (Fu et al. 2023, arXiv:2310.17086): the inverse approximations
/// <c>M_0..M_K</c>, the iterates <c>w_k = M_k Xᵀy</c> with predictions and losses, the step <c>α</c>, the initial
/// contraction <c>ρ_0</c> and the error norms <c>‖I − S M_k‖_2</c> (equal to <c>ρ_0^{2^k}</c> for nonsingular S; at
/// least 1 for singular S, whose null space <c>E_k</c> leaves untouched).
/// </summary>
public sealed record NewtonSchulzSolution
{
    internal NewtonSchulzSolution(IReadOnlyList<Matrix<double>> inverses, IterativeSolution solution, double alpha, double rho0, IReadOnlyList<double> errorNorms)
    {
        Inverses = inverses;
        Solution = solution;
        Alpha = alpha;
        InitialContraction = rho0;
        ErrorNorms = errorNorms;
    }

    /// <summary><c>M_0 .. M_K</c> (d×d, polynomials in S).</summary>
    public IReadOnlyList<Matrix<double>> Inverses { get; }

    /// <summary><c>w_k</c> (1×d), <c>ŷ_k</c> and <c>L(w_k)</c> for <c>k = 0..K</c>.</summary>
    public IterativeSolution Solution { get; }

    /// <summary>The step <c>α</c> used in <c>M_0 = α S</c>.</summary>
    public double Alpha { get; }

    /// <summary><c>ρ_0</c> over the nonzero eigenvalues of S.</summary>
    public double InitialContraction { get; }

    /// <summary><c>‖I − S M_k‖_2</c>, <c>k = 0..K</c>.</summary>
    public IReadOnlyList<double> ErrorNorms { get; }
}
