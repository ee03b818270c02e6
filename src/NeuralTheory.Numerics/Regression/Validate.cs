using MathNet.Numerics.LinearAlgebra;

namespace NeuralTheory.Numerics.Regression;

/// <summary>
/// Argument checks shared by the regression oracle (spec Section 8): every message names the parameter and the
/// expected shape or range, so a caller sees at once which input was wrong.
/// </summary>
internal static class Validate
{
    public static void Design(Matrix<double> x, string name = "x")
    {
        ArgumentNullException.ThrowIfNull(x, name);
        if (x.RowCount < 1)
            throw new ArgumentException($"{name} must have at least one context row (N ≥ 1); got N = {x.RowCount}.", name);
        Finite(x, name);
    }

    public static void Targets(Matrix<double> x, Matrix<double> y, string name = "y")
    {
        ArgumentNullException.ThrowIfNull(y, name);
        if (y.RowCount != x.RowCount)
            throw new ArgumentException($"{name} must have one row per context example: expected {x.RowCount} rows (X is {x.RowCount}×{x.ColumnCount}), got {y.RowCount}×{y.ColumnCount}.", name);
        Finite(y, name);
    }

    public static void Targets(Matrix<double> x, Vector<double> y, string name = "y")
    {
        ArgumentNullException.ThrowIfNull(y, name);
        if (y.Count != x.RowCount)
            throw new ArgumentException($"{name} must have one entry per context example: expected length N = {x.RowCount}, got {y.Count}.", name);
        Finite(y, name);
    }

    public static void Query(Matrix<double> x, Vector<double> xq, string name = "xq")
    {
        ArgumentNullException.ThrowIfNull(xq, name);
        if (xq.Count != x.ColumnCount)
            throw new ArgumentException($"{name} must have length d = {x.ColumnCount} (the column count of X); got {xq.Count}.", name);
        Finite(xq, name);
    }

    public static void Shape(Matrix<double> m, int rows, int columns, string name, string what)
    {
        ArgumentNullException.ThrowIfNull(m, name);
        if (m.RowCount != rows || m.ColumnCount != columns)
            throw new ArgumentException($"{name} must be {what} ({rows}×{columns}); got {m.RowCount}×{m.ColumnCount}.", name);
        Finite(m, name);
    }

    public static void Length(Vector<double> v, int length, string name, string what)
    {
        ArgumentNullException.ThrowIfNull(v, name);
        if (v.Count != length)
            throw new ArgumentException($"{name} must be {what} (length {length}); got length {v.Count}.", name);
        Finite(v, name);
    }

    public static void Finite(Matrix<double> m, string name)
    {
        for (int i = 0; i < m.RowCount; i++)
            for (int j = 0; j < m.ColumnCount; j++)
                if (!double.IsFinite(m[i, j]))
                    throw new ArgumentException($"{name} must be finite; entry [{i},{j}] is {m[i, j]}.", name);
    }

    public static void Finite(Vector<double> v, string name)
    {
        for (int i = 0; i < v.Count; i++)
            if (!double.IsFinite(v[i]))
                throw new ArgumentException($"{name} must be finite; entry [{i}] is {v[i]}.", name);
    }

    public static void Positive(double value, string name)
    {
        if (!double.IsFinite(value) || value <= 0)
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be finite and > 0.");
    }

    public static void NonNegative(double value, string name)
    {
        if (!double.IsFinite(value) || value < 0)
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be finite and ≥ 0.");
    }

    public static void Steps(int steps, string name = "steps")
    {
        if (steps < 0)
            throw new ArgumentOutOfRangeException(name, steps, $"{name} (the iteration bound K) must be ≥ 0.");
    }

    public static void AtLeastOne(int value, string name)
    {
        if (value < 1)
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be ≥ 1.");
    }

    /// <summary>Checks that Σ is square, finite, symmetric (to 1e-12 relative) and positive definite; returns its Cholesky factor.</summary>
    public static MathNet.Numerics.LinearAlgebra.Factorization.Cholesky<double> Spd(Matrix<double> sigma, string name = "sigma", int? dimension = null)
    {
        ArgumentNullException.ThrowIfNull(sigma, name);
        if (sigma.RowCount != sigma.ColumnCount || sigma.RowCount < 1)
            throw new ArgumentException($"{name} must be a square symmetric positive definite matrix; got {sigma.RowCount}×{sigma.ColumnCount}.", name);
        if (dimension is int d && sigma.RowCount != d)
            throw new ArgumentException($"{name} must be d×d = {d}×{d}; got {sigma.RowCount}×{sigma.ColumnCount}.", name);
        Finite(sigma, name);
        double scale = sigma.Enumerate().Max(Math.Abs);
        for (int i = 0; i < sigma.RowCount; i++)
            for (int j = 0; j < i; j++)
                if (Math.Abs(sigma[i, j] - sigma[j, i]) > 1e-12 * scale)
                    throw new ArgumentException($"{name} must be symmetric positive definite; entries [{i},{j}] = {sigma[i, j]} and [{j},{i}] = {sigma[j, i]} differ.", name);
        var sym = 0.5 * (sigma + sigma.Transpose());
        var eig = sym.Evd(Symmetricity.Symmetric);
        var values = eig.EigenValues.Real();
        double min = values.Min(), max = values.Max();
        // Numerically singular counts as not positive definite: λ_min must exceed d·ε·λ_max.
        if (!(min > sigma.RowCount * MathNet.Numerics.Precision.DoublePrecision * max))
            throw new ArgumentException($"{name} must be symmetric positive definite; its eigenvalues lie in [{min}, {max}].", name);
        try
        {
            return sym.Cholesky();
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{name} must be symmetric positive definite; its Cholesky factorisation failed.", name, e);
        }
    }
}
