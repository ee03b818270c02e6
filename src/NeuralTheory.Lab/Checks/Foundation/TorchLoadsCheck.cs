using MathNet.Numerics.LinearAlgebra;
using NeuralTheory.Bridge;
using NeuralTheory.Numerics.Common;
using ScottPlot;
using TorchSharp;

namespace NeuralTheory.Lab.Checks.Foundation;

/// <summary>
/// <c>foundation.torch-loads</c>: libtorch loads and its float64 matrix product agrees with MathNet's,
/// <c>max|C_torch − C_MathNet| / max|C_MathNet| ≤ 1e-12</c> for seeded Gaussian <c>A ∈ ℝ^{64×48}</c>, <c>B ∈ ℝ^{48×32}</c>.
/// </summary>
/// <remarks>
/// Source: the project's layering (docs/architecture.md: MathNet is the oracle of the TorchSharp side), with the
/// float64 inner-product round-off bound <c>|fl(xᵀy) − xᵀy| ≤ γ_n |x|ᵀ|y|</c>, <c>γ_n = nu/(1 − nu)</c>
/// (N. J. Higham, <i>Accuracy and Stability of Numerical Algorithms</i>, 2nd ed., SIAM 2002, §3.1). For n = 48 the
/// bound is about 1e-14 relative here, so 1e-12 leaves room for any summation order while still catching a wrong
/// dtype (float32 would give ~1e-7) or a transposed or scrambled layout (~1).
/// </remarks>
public sealed class TorchLoadsCheck : Check
{
    private const int Rows = 64, Inner = 48, Columns = 32;

    /// <inheritdoc />
    public override string Id => "foundation.torch-loads";

    /// <inheritdoc />
    public override string Claim =>
        "libtorch loads and its float64 product of seeded Gaussian 64x48 and 48x32 matrices equals MathNet's to 1e-12 relative max error.";

    /// <inheritdoc />
    public override string Source =>
        "docs/architecture.md (MathNet is the oracle); Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed., SIAM 2002, §3.1 (inner-product round-off)";

    /// <inheritdoc />
    public override CheckResult Run(CheckContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var random = context.Random();
        Matrix<double> a = random.GaussianMatrix(Rows, Inner);
        Matrix<double> b = random.GaussianMatrix(Inner, Columns);

        Matrix<double> reference = a * b;
        Matrix<double> fromTorch = torch.matmul(
            a.ToTensor(torch.ScalarType.Float64, context.Device),
            b.ToTensor(torch.ScalarType.Float64, context.Device)).ToMatrix();

        double error = Discrepancy.RelativeMaxError(fromTorch, reference);

        var plot = new Plot();
        double[] xs = reference.ToRowMajorArray(), ys = fromTorch.ToRowMajorArray();
        var points = plot.Add.ScatterPoints(xs, ys);
        points.MarkerSize = 3;
        double lim = xs.Concat(ys).Select(Math.Abs).Max() * 1.05;
        var diagonal = plot.Add.Line(-lim, -lim, lim, lim);
        diagonal.LinePattern = LinePattern.Dashed;
        diagonal.LegendText = "y = x";
        points.LegendText = $"{Rows * Columns} entries";
        plot.Title($"torch float64 matmul vs MathNet (rel. max error {error:E2})");
        plot.XLabel("MathNet entry of A·B");
        plot.YLabel("torch entry of A·B");
        plot.ShowLegend(Alignment.UpperLeft);
        string figure = context.SaveFigure(plot, Id);

        return CheckResult.Within(error, 0, 1e-12,
            $"relative max error of {Rows}x{Inner} · {Inner}x{Columns} on {context.Device.type}") with { FigurePath = figure };
    }
}
