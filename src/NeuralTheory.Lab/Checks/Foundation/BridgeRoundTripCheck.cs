using MathNet.Numerics.LinearAlgebra;
using NeuralTheory.Bridge;
using NeuralTheory.Lab.Reporting;
using TorchSharp;

namespace NeuralTheory.Lab.Checks.Foundation;

/// <summary>
/// <c>foundation.bridge-roundtrip</c>: MathNet → tensor → MathNet is the identity, bit for bit: the largest absolute
/// difference over seeded matrices (1×1, square, tall, wide) and vectors, in the float64 and the float32 paths, is 0.
/// </summary>
/// <remarks>
/// Source: the bridge contract of <see cref="TensorBridge"/> (values are copied, never rounded, in a row-major
/// <c>(rows, columns)</c> layout; docs/architecture.md). An exact check, so the tolerance is 0: a transposed layout, a
/// silent float32 detour of the float64 path or a lost entry shows up as a positive difference.
/// </remarks>
public sealed class BridgeRoundTripCheck : Check
{
    private static readonly (int Rows, int Columns)[] MatrixShapes = [(1, 1), (7, 5), (200, 3), (3, 200)];
    private static readonly int[] VectorLengths = [1, 17];

    /// <inheritdoc />
    public override string Id => "foundation.bridge-roundtrip";

    /// <inheritdoc />
    public override string Claim =>
        "MathNet -> tensor -> MathNet round trips are exact for float64 and float32 matrices (1x1, square, tall, wide) and vectors.";

    /// <inheritdoc />
    public override string Source => "docs/architecture.md and the NeuralTheory.Bridge.TensorBridge contract (copies are exact, row-major)";

    /// <inheritdoc />
    public override CheckResult Run(CheckContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var random = context.Random();
        var device = context.Device;
        var labels = new List<string>();
        var errors = new List<double>();

        foreach (var (rows, columns) in MatrixShapes)
        {
            Matrix<double> m = random.GaussianMatrix(rows, columns);
            labels.Add($"f64 {rows}x{columns}");
            errors.Add(MaxAbs(m.ToTensor(torch.ScalarType.Float64, device).ToMatrix().Enumerate(), m.Enumerate()));

            Matrix<float> f = m.Map(x => (float)x);
            labels.Add($"f32 {rows}x{columns}");
            errors.Add(MaxAbs(f.ToTensor(torch.ScalarType.Float32, device).ToMatrixSingle().Enumerate(), f.Enumerate()));
        }
        foreach (int n in VectorLengths)
        {
            Vector<double> v = random.GaussianVector(n);
            labels.Add($"f64 vec {n}");
            errors.Add(MaxAbs(v.ToTensor(torch.ScalarType.Float64, device).ToVector().Enumerate(), v.Enumerate()));

            Vector<float> f = v.Map(x => (float)x);
            labels.Add($"f32 vec {n}");
            errors.Add(MaxAbs(f.ToTensor(torch.ScalarType.Float32, device).ToVectorSingle().Enumerate(), f.Enumerate()));
        }

        double worst = errors.Max();
        var plot = Figures.Bars(labels, errors,
            worst == 0 ? "Bridge round trip: every shape exact (all errors 0)" : $"Bridge round trip: max error {worst:E2}",
            "max |round trip - original|");
        string figure = context.SaveFigure(plot, Id);

        return CheckResult.Within(worst, 0, 0, $"max abs difference over {labels.Count} shape/dtype cases") with { FigurePath = figure };
    }

    private static double MaxAbs(IEnumerable<double> actual, IEnumerable<double> expected) => MaxAbs(actual.Zip(expected));

    private static double MaxAbs(IEnumerable<float> actual, IEnumerable<float> expected) =>
        MaxAbs(actual.Zip(expected).Select(p => ((double)p.First, (double)p.Second)));

    private static double MaxAbs(IEnumerable<(double First, double Second)> pairs)
    {
        double max = 0;
        foreach (var (a, b) in pairs)
        {
            // NaN-safe: a NaN or infinite entry is an infinite error, never a silent 0.
            double d = a.Equals(b) ? 0 : Math.Abs(a - b);
            max = Math.Max(max, double.IsNaN(d) ? double.PositiveInfinity : d);
        }
        return max;
    }
}
