using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using NeuralTheory.Attention;
using NeuralTheory.Attention.Constructions;
using NeuralTheory.Bridge;
using NeuralTheory.Numerics.Regression;
using ScottPlot;
using static TorchSharp.torch;

namespace NeuralTheory.Lab.Checks.Attention;

/// <summary>
/// <c>attention.optimal-step</c>: among one-step gradient-descent predictors <c>ŷ = η x_qᵀ b</c>
/// (<c>b = Xᵀy/N</c>, i.e. one GD-construction LSA layer from <c>W0 = 0</c>), the in-context risk under Gaussian data is
/// minimised at <c>η* = N/(N + d + 1 + σ²/τ²)</c> (Mahankali et al. 2023, "One Step of Gradient Descent is Provably the
/// Optimal In-Context Learner with One Layer of Linear Self-Attention", arXiv:2307.03576, Thm. 1; spec 3.6 and 6.2).
/// Setting: data (G), <c>Σ = I</c>, d = 5, N = 20, σ² = 0.25, τ² = 1, so <c>η* = 16/21 = 0.761904761904762</c>.
/// </summary>
/// <remarks>
/// <para>Monte Carlo: 100 000 seeded prompts drawn on <c>context.Device</c> in float64 by
/// <see cref="RegressionPromptSampler"/> (torch generator seeded with <c>context.Seed</c>); the one-step prediction
/// <c>p = x_qᵀ b</c> is the forward of the float64 GD construction with <c>η = 1</c> (cross-checked on three prompts against
/// <see cref="GradientDescent"/> to 1e−12), and <c>ŷ(η) = η p</c>. The plain-MSE loss <c>L(η) = mean (η p − y_q)²</c> is
/// evaluated on the grid <c>η ∈ {0.500, 0.505, …, 1.000}</c> with the same prompts for every η (common random numbers);
/// measured = the grid argmin, expected = η*.</para>
/// <para>Tolerance, derived: <c>L(η) = a η² − 2 b η + c</c> exactly (<c>a = mean p²</c>, <c>b = mean p y_q</c>), so the grid
/// argmin is the grid point nearest to <c>η̂ = b/a</c> (within half a grid step, 0.0025), and by the delta method
/// <c>η̂ − η* ≈ (b − η* a)/a</c> has standard error <c>SE = sd(p y_q − η̂ p²)/(a √M)</c>, computed from the samples.
/// Tolerance = 0.0025 + 4·SE (≈ 0.01 here); nothing in it is tuned to the outcome.</para>
/// </remarks>
public sealed class OptimalStepCheck : Check
{
    internal const int InputDim = 5, ContextLength = 20, PromptCount = 100_000, ChunkSize = 20_000;
    internal const double NoiseVariance = 0.25, TaskVariance = 1.0, GridLow = 0.5, GridHigh = 1.0, GridStep = 0.005, StandardErrors = 4;

    /// <inheritdoc />
    public override string Id => "attention.optimal-step";

    /// <inheritdoc />
    public override string Claim =>
        "One GD step from 0 has Monte Carlo in-context MSE minimised at eta* = N/(N+d+1+sigma^2/tau^2) = 16/21 (d=5, N=20, sigma^2=0.25, Sigma=I): " +
        "measured = argmin over eta in [0.5,1] (step 0.005) of the MSE on 100 000 seeded prompts (same prompts for every eta); " +
        "tolerance = half a grid step + 4 delta-method standard errors of the argmin.";

    /// <inheritdoc />
    public override string Source =>
        "Mahankali et al. 2023, One Step of Gradient Descent is Provably the Optimal In-Context Learner with One Layer of Linear Self-Attention, arXiv:2307.03576, Thm. 1; spec 3.6 and 6.2";

    /// <summary>What one Monte Carlo run produced.</summary>
    internal sealed record Measurement(double Argmin, double EtaHat, double StandardError, double[] Grid, double[] Losses, double CrossCheckError)
    {
        /// <summary>Half a grid step plus <see cref="StandardErrors"/> standard errors.</summary>
        public double Tolerance => GridStep / 2 + StandardErrors * StandardError;
    }

    /// <summary>
    /// Draws <paramref name="prompts"/> prompts with noise variance <paramref name="noiseVariance"/> (the claim's setting is
    /// 0.25; other values are for tests) and measures the grid argmin and its standard error.
    /// </summary>
    internal static Measurement Measure(Device device, int seed, int prompts = PromptCount, double noiseVariance = NoiseVariance)
    {
        var p = new double[prompts];
        var yq = new double[prompts];
        double crossCheck = 0;
        using (var scope = NewDisposeScope())
        {
            using var sampler = new RegressionPromptSampler(InputDim, ContextLength, null, TaskPrior.Isotropic, TaskVariance, noiseVariance, ScalarType.Float64, device);
            using var generator = new Generator(unchecked((ulong)seed), device);
            using var oneStep = GradientDescentConstruction.Build(InputDim, 1, 1.0, device: device);   // ŷ = x_qᵀ (Xᵀy/N)
            for (int start = 0; start < prompts; start += ChunkSize)
            {
                using var inner = NewDisposeScope();
                int count = Math.Min(ChunkSize, prompts - start);
                using var batch = sampler.Sample(count, generator);
                var predicted = oneStep.Predict(batch.Prompt).reshape(count).cpu().data<double>().ToArray();
                var targets = batch.QueryY.reshape(count).cpu().data<double>().ToArray();
                Array.Copy(predicted, 0, p, start, count);
                Array.Copy(targets, 0, yq, start, count);
                if (start == 0)
                    for (int i = 0; i < Math.Min(3, count); i++)
                    {
                        Matrix<double> x = batch.X[i].cpu().ToMatrix(), y = batch.Y[i].cpu().ToMatrix();
                        Vector<double> xq = batch.QueryX[i].cpu().ToVector();
                        double oracle = GradientDescent.Run(x, y, xq, 1.0, 1).Prediction(1);
                        crossCheck = Math.Max(crossCheck, Math.Abs(predicted[i] - oracle) / Math.Max(1, Math.Abs(oracle)));
                    }
            }
        }

        int points = (int)Math.Round((GridHigh - GridLow) / GridStep) + 1;
        var grid = Enumerable.Range(0, points).Select(j => GridLow + j * GridStep).ToArray();
        var losses = grid.Select(eta =>
        {
            double sum = 0;
            for (int i = 0; i < prompts; i++) { double r = eta * p[i] - yq[i]; sum += r * r; }
            return sum / prompts;
        }).ToArray();
        double argmin = grid[Array.IndexOf(losses, losses.Min())];

        double a = 0, b = 0;
        for (int i = 0; i < prompts; i++) { a += p[i] * p[i]; b += p[i] * yq[i]; }
        a /= prompts; b /= prompts;
        double etaHat = b / a, mean = 0, sq = 0;
        for (int i = 0; i < prompts; i++) mean += p[i] * yq[i] - etaHat * p[i] * p[i];
        mean /= prompts;
        for (int i = 0; i < prompts; i++) { double u = p[i] * yq[i] - etaHat * p[i] * p[i] - mean; sq += u * u; }
        double se = Math.Sqrt(sq / (prompts - 1)) / (a * Math.Sqrt(prompts));
        return new Measurement(argmin, etaHat, se, grid, losses, crossCheck);
    }

    /// <inheritdoc />
    public override CheckResult Run(CheckContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        double expected = OptimalStepSize.GaussianStep(ContextLength, InputDim, NoiseVariance, TaskVariance);
        var m = Measure(context.Device, context.Seed);
        if (!(m.CrossCheckError <= 1e-12))
            return CheckResult.Failure($"the GD-construction forward disagrees with GradientDescent.Run by {m.CrossCheckError:E2} (> 1e-12) on the first prompts");

        var identity = Matrix<double>.Build.DenseIdentity(InputDim);
        double Risk(double eta) => OptimalPreconditioner.Risk(eta * identity, identity, ContextLength, NoiseVariance, TaskVariance);
        double riskStar = OptimalStepSize.GaussianRisk(ContextLength, InputDim, NoiseVariance, TaskVariance);
        int starIndex = (int)Math.Round((expected - GridLow) / GridStep);

        var plot = new Plot();
        var mc = plot.Add.ScatterPoints(m.Grid, m.Losses);
        mc.MarkerSize = 4;
        mc.LegendText = $"Monte Carlo MSE, {PromptCount:N0} prompts (same for every eta)";
        var formula = plot.Add.ScatterLine(m.Grid, m.Grid.Select(Risk).ToArray());
        formula.LegendText = "formula R(eta I) (spec 3.6)";
        formula.MarkerSize = 0;
        var star = plot.Add.VerticalLine(expected);
        star.LinePattern = LinePattern.Dashed;
        star.LegendText = "eta* = N/(N+d+1+sigma^2/tau^2) = 16/21";
        var found = plot.Add.VerticalLine(m.Argmin);
        found.LinePattern = LinePattern.Dotted;
        found.LegendText = $"grid argmin {m.Argmin:F3}";
        plot.Title("One GD step (d=5, N=20, sigma^2=0.25): MSE vs eta");
        plot.XLabel("step size eta");
        plot.YLabel("E (y_hat - y_q)^2 (plain MSE)");
        plot.ShowLegend(Alignment.UpperCenter);
        string figure = context.SaveFigure(plot, Id);

        var inv = CultureInfo.InvariantCulture;
        string note = string.Format(inv,
            "{0} prompts on {1}, float64. L(eta) = a eta^2 - 2 b eta + c exactly, so the grid argmin is the grid point nearest eta_hat = b/a = {2:F5}; " +
            "delta-method SE(eta_hat) = sd(p y_q - eta_hat p^2)/(a sqrt M) = {3:E2}; tolerance = {4} + {5}*SE = {6:F5}. " +
            "MC MSE at the grid point nearest eta* = {7:F4} (formula R* = {8:F4}); GD-construction forward vs GradientDescent.Run: {9:E1}.",
            PromptCount, context.Device.type, m.EtaHat, m.StandardError, GridStep / 2, StandardErrors, m.Tolerance,
            m.Losses[starIndex], riskStar, m.CrossCheckError);
        return CheckResult.Within(m.Argmin, expected, m.Tolerance, note) with { FigurePath = figure };
    }
}
