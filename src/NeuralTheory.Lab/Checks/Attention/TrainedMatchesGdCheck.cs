using System.Globalization;
using NeuralTheory.Attention;
using NeuralTheory.Lab.Training;
using NeuralTheory.Numerics.Regression;
using ScottPlot;

namespace NeuralTheory.Lab.Checks.Attention;

/// <summary>
/// <c>attention.trained-matches-gd</c>: a one-layer linear self-attention trained on isotropic Gaussian in-context
/// regression predicts like one step of gradient descent from <c>w = 0</c> at the optimal step
/// <c>η* = N/(N + d + 1 + σ²/τ²)</c>: the cosine similarity of the two prediction vectors over a held-out seeded set
/// is ≥ 0.99 (von Oswald et al. 2022, arXiv:2212.07677, Sec. 3 "trained Transformers do GD", spec 6.3 K = 1; the
/// optimal step of Mahankali, Hashimoto, Ma 2023, arXiv:2307.03576, Thm. 1, spec 3.6 and 6.2).
/// </summary>
/// <remarks>
/// Setup of spec 6.2: (G) with <c>Σ = I</c>, <c>d = 5</c>, <c>N = 20</c>, <c>σ² = 0.25</c>, <c>τ² = 1</c>, so
/// <c>η* = 16/21</c>; merged full <c>P, Q</c>, init std 1e−4, Adam (float32) lr 2e−2 halved every
/// <see cref="HalvingInterval"/> steps, <see cref="Steps"/> steps of <see cref="BatchSize"/> fresh tasks. GD predictions
/// come from the MathNet oracle (<see cref="GradientDescent"/>, one step at <see cref="OptimalStepSize.GaussianStep"/>),
/// the trained model is evaluated in float64 on the same prompts. Tolerance 0.01 is spec 6.3's "alignment &gt; 0.99".
/// The note reports the MSE gap (trained − GD(η*)) and the learned effective step <c>tr(Â)/d</c> vs <c>η*</c>.
/// </remarks>
public sealed class TrainedMatchesGdCheck : Check
{
    internal const int InputDim = 5, ContextLength = 20;
    internal const int Steps = 600, BatchSize = 2000, HalvingInterval = 150, HeldOut = 20_000;
    internal const double NoiseVariance = 0.25, LearningRate = 2e-2, InitStd = 1e-4, Tolerance = 0.01;

    /// <inheritdoc />
    public override string Id => "attention.trained-matches-gd";

    /// <inheritdoc />
    public override string Claim =>
        "A one-layer LSA trained on isotropic Gaussian ICL regression (d=5, N=20, noise 0.25) predicts like one GD step at the optimal eta*: cosine similarity of predictions >= 0.99.";

    /// <inheritdoc />
    public override string Source =>
        "von Oswald et al. 2022, arXiv:2212.07677, Sec. 3 (trained LSA = one GD step); Mahankali, Hashimoto, Ma 2023, arXiv:2307.03576, Thm. 1 (optimal eta*); spec 6.2, 6.3";

    /// <inheritdoc />
    public override CheckResult Run(CheckContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var optimum = OptimalStepSize.Gaussian(ContextLength, InputDim, NoiseVariance);

        using var sampler = new RegressionPromptSampler(InputDim, ContextLength, noiseVariance: NoiseVariance, device: context.Device);
        var (layer, model, training) = TrainedAttention.TrainOneLayer(sampler, InputDim, InitStd, new InContextTrainingOptions
        {
            Steps = Steps, BatchSize = BatchSize, LearningRate = LearningRate, LearningRateHalvingInterval = HalvingInterval,
            Seed = context.Seed,
        }, context.Device);
        using var disposeLayer = layer;
        using var disposeModel = model;
        if (training.Diverged)
            return CheckResult.Failure($"training diverged at step {training.StepsRun}");

        var options = new RegressionTaskOptions(InputDim, ContextLength) { NoiseVariance = NoiseVariance };
        using var heldOut = new HeldOutPrompts(options, HeldOut, context.Seed + 2_000_003, context.Device);
        double[] trained = heldOut.Predict(model);
        double[] gd = heldOut.Tasks
            .Select(t => GradientDescent.Run(t.X, t.YVector, t.Xq, optimum.Eta, 1).Prediction(1))
            .ToArray();
        double cosine = TrainedAttention.Cosine(trained, gd);
        double trainedMse = TrainedAttention.Mse(trained, heldOut.Targets);
        double gdMse = TrainedAttention.Mse(gd, heldOut.Targets);
        var aHat = TrainedAttention.EffectivePreconditioner(layer);
        double effectiveStep = aHat.Trace() / InputDim;

        var plot = new Plot();
        int shown = Math.Min(3000, trained.Length);
        var points = plot.Add.ScatterPoints(gd.Take(shown).ToArray(), trained.Take(shown).ToArray());
        points.MarkerSize = 3;
        points.LegendText = $"{shown} held-out prompts";
        double lim = gd.Take(shown).Concat(trained.Take(shown)).Select(Math.Abs).Max() * 1.05;
        var diagonal = plot.Add.Line(-lim, -lim, lim, lim);
        diagonal.LinePattern = LinePattern.Dashed;
        diagonal.LegendText = "y = x";
        plot.Title(string.Create(CultureInfo.InvariantCulture, $"Trained LSA vs 1 GD step (eta* = {optimum.Eta:F3}): cos {cosine:F5}"));
        plot.XLabel("GD(eta*) prediction (MathNet)");
        plot.YLabel("trained LSA prediction (float64)");
        plot.ShowLegend(Alignment.UpperLeft);
        string figure = context.SaveFigure(plot, Id);

        string note = string.Create(CultureInfo.InvariantCulture,
            $"cosine(trained, GD(eta*)) = {cosine:F6} over {HeldOut} held-out prompts after {training.StepsRun} Adam steps (batch {BatchSize}, float32); " +
            $"MSE trained {trainedMse:F4} vs GD(eta*) {gdMse:F4} (gap {trainedMse - gdMse:+0.0000;-0.0000}; closed-form R* {optimum.Risk:F4}); " +
            $"effective step tr(Â)/d = {effectiveStep:F4} vs eta* = {optimum.Eta:F4}; max |offdiag(Â)| {MaxOffDiagonal(aHat):F4}; {training.Elapsed.TotalSeconds:F1} s training");
        return CheckResult.Within(cosine, 1, Tolerance, note) with { FigurePath = figure };
    }

    private static double MaxOffDiagonal(MathNet.Numerics.LinearAlgebra.Matrix<double> a)
    {
        double m = 0;
        for (int i = 0; i < a.RowCount; i++)
            for (int j = 0; j < a.ColumnCount; j++)
                if (i != j) m = Math.Max(m, Math.Abs(a[i, j]));
        return m;
    }
}
