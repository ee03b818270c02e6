using MathNet.Numerics.LinearAlgebra;

namespace NeuralTheory.Numerics.Common;

/// <summary>
/// How far a computed result is from a reference: the measures that equivalence tests and Lab checks compare with
/// their tolerances.
/// </summary>
public static class Discrepancy
{
    /// <summary>
    /// Relative max-norm error <c>max|a − b| / max(max|b|, floor)</c>. The floor (default the smallest normal double)
    /// keeps an all-zero reference from dividing by zero; then the measure is the absolute error over the floor.
    /// Returns +∞ when any entry of either side is NaN or infinite, so a non-finite result never passes a tolerance.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public static double RelativeMaxError(Matrix<double> actual, Matrix<double> reference, double floor = double.Epsilon)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(reference);
        if (actual.RowCount != reference.RowCount || actual.ColumnCount != reference.ColumnCount)
            throw new ArgumentException(
                $"Shapes differ: actual is {actual.RowCount}×{actual.ColumnCount}, reference is {reference.RowCount}×{reference.ColumnCount}.", nameof(actual));
        return Relative(actual.Enumerate(), reference.Enumerate(), floor);
    }

    /// <summary>Relative max-norm error of two vectors; see <see cref="RelativeMaxError(Matrix{double}, Matrix{double}, double)"/>.</summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static double RelativeMaxError(Vector<double> actual, Vector<double> reference, double floor = double.Epsilon)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(reference);
        if (actual.Count != reference.Count)
            throw new ArgumentException($"Lengths differ: actual has {actual.Count} entries, reference has {reference.Count}.", nameof(actual));
        return Relative(actual.Enumerate(), reference.Enumerate(), floor);
    }

    private static double Relative(IEnumerable<double> actual, IEnumerable<double> reference, double floor)
    {
        if (!(floor > 0) || !double.IsFinite(floor))
            throw new ArgumentOutOfRangeException(nameof(floor), floor, "The floor must be positive and finite.");
        double maxDiff = 0, maxRef = 0;
        foreach (var (a, b) in actual.Zip(reference))
        {
            if (!double.IsFinite(a) || !double.IsFinite(b)) return double.PositiveInfinity;
            maxDiff = Math.Max(maxDiff, Math.Abs(a - b));
            maxRef = Math.Max(maxRef, Math.Abs(b));
        }
        return maxDiff / Math.Max(maxRef, floor);
    }
}
