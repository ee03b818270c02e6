using MathNet.Numerics.LinearAlgebra;
using NeuralTheory.Attention;
using NeuralTheory.Attention.Constructions;
using NeuralTheory.Numerics.Common;
using NeuralTheory.Numerics.Regression;
using ScottPlot;
using static TorchSharp.torch;

namespace NeuralTheory.Lab.Checks.Attention;

/// <summary>
/// <c>attention.gdpp-construction</c>: a stack of four linear self-attention layers with von Oswald et al.'s GD++ weights
/// <c>P = [[−γ I, 0],[0, −η]]</c>, <c>Q = [[I,0],[0,0]]</c> equals the GD++ token recursion
/// <c>r_t ← r_t − η x_tᵀ g_k</c>, <c>x_t ← (I − γ C_k) x_t</c> on every token state (von Oswald et al. 2022, "Transformers
/// learn in-context by gradient descent", arXiv:2212.07677, Sec. 3 "GD++"; spec 3.3, 4.5, 5.4), and its first layer
/// lowers the condition number of the context covariance, <c>κ(C_1) = κ(C)·((1 − γλ_max)/(1 − γλ_min))² &lt; κ(C)</c>
/// for <c>γ = 1/(3 λ_max(C))</c> (spec 6.6).
/// </summary>
/// <remarks>
/// Equivalence: ten seeded Gaussian prompts (d = 2..6, N = 2..24, o = 1, W0 = 0), constant
/// <c>η ∈ [0.05, 0.95]·2/λ_max(C)</c>, <c>γ ∈ [0.2, 1]/(3 λ_max(C))</c>, float64, module states vs
/// <see cref="GdPlusPlus.RunTokens(Matrix{double}, Vector{double}, Vector{double}, double, double, int)"/>'s full token
/// matrices <c>[x^{(k)} | r^{(k)}]</c> after every layer; measured = largest <c>|a − b| / max(1, |b|)</c>, tolerance 1e−12
/// (spec Section 5). Curvature (spec 6.6, N = 20, d = 5): <c>C_1</c> is computed from the <b>module's</b> layer-1 context
/// x-slots; the check also fails if <c>κ(C_1) ≥ κ(C)</c> or if <c>κ(C_1)</c> differs from the closed form by more than
/// 1e−12 relative (the spec's stated agreement).
/// </remarks>
public sealed class GdPlusPlusConstructionCheck : Check
{
    internal const int Layers = 4, PromptCount = 10;
    internal const double Tolerance = 1e-12, CurvatureTolerance = 1e-12;

    /// <inheritdoc />
    public override string Id => "attention.gdpp-construction";

    /// <inheritdoc />
    public override string Claim =>
        "4 LSA layers with the GD++ weights (P = [[-gamma I,0],[0,-eta]], Q = [[I,0],[0,0]]) equal the GD++ token recursion: measured = max over 10 seeded prompts, " +
        "every layer, token and entry of |module - oracle| / max(1, |oracle|) in float64, tolerance 1e-12 (spec 5); also fails unless the module's first layer " +
        "gives kappa(C_1) < kappa(C) equal to kappa(C)((1-gamma l_max)/(1-gamma l_min))^2 within 1e-12 relative for gamma = 1/(3 l_max) (spec 6.6).";

    /// <inheritdoc />
    public override string Source => "von Oswald et al. 2022, Transformers learn in-context by gradient descent, arXiv:2212.07677, Sec. 3 (GD++); spec 3.3, 4.5, 5.4, 6.6";

    /// <summary>A seeded prompt (o = 1, W0 = 0) with its constant <c>(η, γ)</c>.</summary>
    internal sealed record Instance(RegressionPrompt Prompt, double Eta, double Gamma);

    /// <summary>The seeded equivalence instances.</summary>
    internal static IReadOnlyList<Instance> Draw(SeededRandom random, int count = PromptCount)
    {
        var instances = new List<Instance>(count);
        for (int i = 0; i < count; i++)
        {
            var p = AttentionCheckSupport.Prompt(random, random.Between(2, 24), random.Between(2, 6), 1, w0Scale: 0);
            double lambda = p.LambdaMaxC;
            instances.Add(new Instance(p, random.Between(0.05, 0.95) * 2 / lambda, random.Between(0.2, 1.0) / (3 * lambda)));
        }
        return instances;
    }

    /// <summary>Largest per-entry scaled error between the module (built with <c>γ·moduleGammaScale</c>) and the token recursion.</summary>
    internal static double Measure(IReadOnlyList<Instance> instances, Device device, double moduleGammaScale = 1.0)
    {
        double worst = 0;
        foreach (var (p, eta, gamma) in instances)
        {
            using var scope = NewDisposeScope();
            using var model = GdPlusPlusConstruction.Build(p.D, Layers, eta, gamma * moduleGammaScale, device: device);
            using var trace = model.Trace(PromptBuilder.Build(p.X, p.Y, p.Xq, p.W0, device: device));
            var oracle = GdPlusPlus.RunTokens(p.X, p.Y.Column(0), p.Xq, eta, gamma, Layers);
            for (int k = 0; k <= Layers; k++)
                worst = Math.Max(worst, AttentionCheckSupport.MaxScaledError(AttentionCheckSupport.Row(trace.States[k]), oracle.Tokens(k)));
        }
        return worst;
    }

    /// <inheritdoc />
    public override CheckResult Run(CheckContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var random = context.Random();
        var instances = Draw(random);
        double error = Measure(instances, context.Device);

        // Curvature instance (spec 6.6): N = 20, d = 5, γ = 1/(3 λ_max(C)), η = 1/λ_max(C).
        var c = AttentionCheckSupport.Prompt(random, 20, 5, 1, w0Scale: 0);
        double lambda = c.LambdaMaxC, gamma = 1 / (3 * lambda);
        var moduleKappa = new double[Layers + 1];
        var oracleKappa = new double[Layers + 1];
        using (var scope = NewDisposeScope())
        {
            using var model = GdPlusPlusConstruction.Build(c.D, Layers, 1 / lambda, gamma, device: context.Device);
            using var trace = model.Trace(PromptBuilder.Build(c.X, c.Y, c.Xq, c.W0, device: context.Device));
            var oracle = GdPlusPlus.RunTokens(c.X, c.Y.Column(0), c.Xq, 1 / lambda, gamma, Layers);
            for (int k = 0; k <= Layers; k++)
            {
                moduleKappa[k] = GdPlusPlusCurvature.ConditionNumber(Covariance(AttentionCheckSupport.Row(trace.States[k]).SubMatrix(0, c.N, 0, c.D)));
                oracleKappa[k] = GdPlusPlusCurvature.ConditionNumber(Covariance(oracle.Inputs[k].SubMatrix(0, c.N, 0, c.D)));
            }
        }
        var cov = LeastSquaresLoss.Covariance(c.X);
        double predicted = GdPlusPlusCurvature.PredictedConditionNumberAfterOneLayer(cov, gamma);
        double kappaError = Math.Abs(moduleKappa[1] - predicted) / predicted;
        bool curvatureOk = moduleKappa[1] < moduleKappa[0] && kappaError <= CurvatureTolerance;

        var plot = new Plot();
        double[] ks = Enumerable.Range(0, Layers + 1).Select(k => (double)k).ToArray();
        var gd = plot.Add.ScatterLine(ks, ks.Select(_ => moduleKappa[0]).ToArray());
        gd.LinePattern = LinePattern.Dashed;
        gd.LegendText = "plain GD: inputs unchanged, kappa(C)";
        var line = plot.Add.ScatterLine(ks, oracleKappa);
        line.LegendText = "GD++ token recursion (GdPlusPlus.RunTokens)";
        var marks = plot.Add.ScatterPoints(ks, moduleKappa);
        marks.MarkerShape = MarkerShape.OpenCircle;
        marks.MarkerSize = 10;
        marks.LegendText = "module: kappa of its context x-slots";
        var formula = plot.Add.ScatterPoints(new[] { 1.0 }, new[] { predicted });
        formula.MarkerShape = MarkerShape.Cross;
        formula.MarkerSize = 14;
        formula.LegendText = "closed form kappa(C)((1-g l_max)/(1-g l_min))^2";
        plot.Title($"GD++ lowers kappa(C_k); max error {error:E1}");
        plot.XLabel("layer k");
        plot.YLabel("kappa(C_k), context inputs");
        plot.ShowLegend(Alignment.UpperRight);
        string figure = context.SaveFigure(plot, Id);

        var result = CheckResult.Within(error, 0, Tolerance,
            $"{instances.Count} prompts (d 2-6, N 2-24), {Layers} layers, eta in [0.05,0.95]*2/l_max, gamma in [0.2,1]/(3 l_max), on {context.Device.type}, float64, all token states. " +
            $"Curvature (N=20, d=5, gamma=1/(3 l_max)): kappa(C) = {moduleKappa[0]:G6}, module kappa(C_1) = {moduleKappa[1]:G10}, closed form {predicted:G10} " +
            $"(rel. diff {kappaError:E1}), kappa(C_1..4) = {string.Join(", ", moduleKappa.Skip(1).Select(v => v.ToString("G4", System.Globalization.CultureInfo.InvariantCulture)))}: " +
            (curvatureOk ? "kappa(C_1) < kappa(C) holds" : "CURVATURE CLAIM FAILED"));
        return result with { Passed = result.Passed && curvatureOk, FigurePath = figure };
    }

    private static Matrix<double> Covariance(Matrix<double> x) => x.TransposeThisAndMultiply(x) / x.RowCount;
}
