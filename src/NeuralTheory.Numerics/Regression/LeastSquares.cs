using MathNet.Numerics.LinearAlgebra;

namespace NeuralTheory.Numerics.Regression;

/// <summary>
/// Ordinary / minimum-norm least squares (spec 3.5), <c>w = X⁺ y</c> through the SVD pseudo-inverse (equal to
/// <c>(XᵀX)⁻¹Xᵀy</c> when rank X = d; never an explicit inverse of a singular matrix) — the estimator that
/// sufficiently deep trained transformers track in the noiseless case (Akyürek et al. 2022, arXiv:2211.15661) and
/// the limit of GD and Newton–Schulz from 0. Singular values below <c>max(N, d)·ε·σ_max</c> count as zero.
/// </summary>
public static class LeastSquares
{
    /// <summary><c>w = X⁺ y</c> (d).</summary>
    /// <exception cref="ArgumentException">Shapes are inconsistent or an entry is not finite.</exception>
    public static Vector<double> Solve(Matrix<double> x, Vector<double> y)
    {
        Validate.Design(x, nameof(x));
        Validate.Targets(x, y, nameof(y));
        return PseudoInverseUnchecked(x) * y;
    }

    /// <summary><c>W = (X⁺ Y)ᵀ</c> (o×d), the multi-output form.</summary>
    /// <exception cref="ArgumentException">Shapes are inconsistent or an entry is not finite.</exception>
    public static Matrix<double> Solve(Matrix<double> x, Matrix<double> y)
    {
        Validate.Design(x, nameof(x));
        Validate.Targets(x, y, nameof(y));
        return (PseudoInverseUnchecked(x) * y).Transpose();
    }

    /// <summary>The Moore–Penrose pseudo-inverse <c>X⁺</c> (d×N) from the SVD.</summary>
    /// <exception cref="ArgumentException">X is empty or not finite.</exception>
    public static Matrix<double> PseudoInverse(Matrix<double> x)
    {
        Validate.Design(x, nameof(x));
        return PseudoInverseUnchecked(x);
    }

    /// <summary>
    /// Expected OLS risk under (G) with any Σ and <c>N &gt; d + 1</c>: <c>E(ŷ − y_q)² = σ² (1 + d/(N − d − 1))</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><c>d &lt; 1</c>, <c>N ≤ d + 1</c> or <c>σ² &lt; 0</c>.</exception>
    public static double ExpectedRisk(int contextLength, int inputDimension, double noiseVariance)
    {
        Validate.AtLeastOne(inputDimension, nameof(inputDimension));
        if (contextLength <= inputDimension + 1)
            throw new ArgumentOutOfRangeException(nameof(contextLength), contextLength, $"contextLength must exceed d + 1 = {inputDimension + 1} for a finite OLS risk.");
        Validate.NonNegative(noiseVariance, nameof(noiseVariance));
        return noiseVariance * (1.0 + (double)inputDimension / (contextLength - inputDimension - 1));
    }

    internal static Matrix<double> PseudoInverseUnchecked(Matrix<double> x)
    {
        var svd = x.Svd(computeVectors: true);
        var s = svd.S;
        double tol = Tolerance(x, s);
        int n = x.RowCount, d = x.ColumnCount;
        var result = Matrix<double>.Build.Dense(d, n);
        for (int i = 0; i < s.Count; i++)
        {
            if (!(s[i] > tol)) continue;
            result += (1.0 / s[i]) * svd.VT.Row(i).OuterProduct(svd.U.Column(i));
        }
        return result;
    }

    internal static IEnumerable<double> NonzeroSingularValues(Matrix<double> x)
    {
        var s = x.Svd(computeVectors: false).S;
        double tol = Tolerance(x, s);
        return s.Where(v => v > tol).ToArray();
    }

    private static double Tolerance(Matrix<double> x, Vector<double> s) =>
        Math.Max(x.RowCount, x.ColumnCount) * MathNet.Numerics.Precision.DoublePrecision * (s.Count > 0 ? s.Maximum() : 0.0);
}
