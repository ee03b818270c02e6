using System.Globalization;
using NeuralTheory.Lab.Training;
using NeuralTheory.PolicyEvaluation;
using static TorchSharp.torch;

namespace NeuralTheory.Lab.Checks.PolicyEvaluation;

/// <summary>
/// <c>td.multitask-emergence</c>: a quick run of multi-task TD training (Wang, Blaser, Daneshmand, Zhang 2024,
/// arXiv:2405.13861, Algorithm 1 and Figure 2; spec 4.6, 6.3 Config A, 6.5): a 3-layer shared-weight linear transformer
/// trained from a random initialisation with the semi-gradient TD loss on random Boyan MRPs moves toward the TD(0)
/// construction.
/// </summary>
/// <remarks>
/// <para>Config A of spec 6.3 (<c>d = 3</c>, <c>S = 6</c>, <c>n = 15</c>, <c>L = 3</c> shared, <c>γ = 0.9</c>, 5 minibatches of
/// <c>B = 64</c> per MRP, Adam lr 1e−3, wd 1e−6, Xavier gain 0.1, float32) but only <see cref="Tasks"/> MRPs instead of 2 000, so
/// that it takes seconds. Spec 6.5 reports, after 200 MRPs, a clearly negative top-left diagonal of <c>Q</c> (−0.45, −0.38,
/// −0.57) and a top-right block that has not formed yet; the paper's end state (4 000 MRPs, <c>d = 4</c>) is
/// <c>P[2d,2d] ≈ 1.6</c>, <c>tr Q[0:d,0:d] ≈ −4.3</c>, <c>tr Q[0:d,d:2d] ≈ +3.3</c>.</para>
/// <para>Measured: the number of emergence criteria of spec 6.3 that hold at this budget, after sign alignment by
/// <c>sign(P[2d,2d])</c>: (1) <c>P[2d,2d] &gt; 3 × mean |other P|</c>; (2–4) each diagonal entry of <c>Q[0:d,0:d]</c> is negative.
/// Expected 4, tolerance 0 (statistical, one fixed seed: these are sign and order-of-magnitude claims, never digits). The
/// top-right trace (which spec 6.5 says has not formed at 200 MRPs), the corrected "others" metric, and IWS/VD against the
/// trained-α TD baseline (<see cref="TdStepSizeModel"/>, trained with the same trainer and seed; IWS ≥ 0.8 is spec 6.3's
/// criterion at 2 000 MRPs, not asserted here) are reported in the note.</para>
/// </remarks>
public sealed class MultitaskEmergenceCheck : Check
{
    internal const int FeatureDim = 3, States = 6, ContextLength = 15, Depth = 3, Tasks = 200, EvaluationTasks = 50;

    /// <inheritdoc />
    public override string Id => "td.multitask-emergence";

    /// <inheritdoc />
    public override string Claim =>
        "Multi-task TD training of a 3-layer shared LSA (spec 6.3 Config A, 200 MRPs) moves the weights toward the TD construction: measured = number of " +
        "sign-aligned criteria that hold among P[2d,2d] > 3 x mean|other P| and the d = 3 diagonal entries of Q[0:d,0:d] < 0; expected 4, tolerance 0.";

    /// <inheritdoc />
    public override string Source =>
        "Wang, Blaser, Daneshmand, Zhang 2024, arXiv:2405.13861 (Algorithm 1, Figure 2: emergence of in-context TD); spec in-context-td 4.6, 6.3, 6.5";

    /// <summary>The outcome of one training run.</summary>
    internal sealed record Outcome(TdWeightMetrics Metrics, int CriteriaMet, double TrainedAlpha, TdComparison Comparison, double Seconds, double FirstLoss, double LastLoss, bool Diverged, double ModelSeconds, double BaselineSeconds);

    /// <summary>Trains the model and the baseline, and measures.</summary>
    internal static Outcome Measure(int seed, Device device, int tasks = Tasks)
    {
        var options = new MultiTaskTdOptions
        {
            States = States, Discount = 0.9, Tasks = tasks, MinibatchesPerTask = 5, BatchSize = 64,
            LearningRate = 1e-3, WeightDecay = 1e-6, Seed = seed,
        };
        var watch = System.Diagnostics.Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        using var model = TdTransformer.Random(FeatureDim, ContextLength, Depth, shared: true, gain: 0.1, seed: seed, device: device);
        var result = new MultiTaskTdTrainer(options).Train(model);
        using var baseline = new TdStepSizeModel(FeatureDim, ContextLength, Depth, device: device);
        var baselineResult = new MultiTaskTdTrainer(options).Train(baseline);
        var metrics = TdWeightMetrics.Of(model.Layer(0), FeatureDim);
        int met = (metrics.PCorner > 3 * metrics.MeanAbsOtherP ? 1 : 0) + metrics.DiagTopLeft.Count(v => v < 0);
        var evaluation = TdCheckSupport.EvaluationTasks(EvaluationTasks, States, FeatureDim, ContextLength, 0.9,
            new NeuralTheory.Numerics.Common.SeededRandom(unchecked(seed + 1_000_003)));
        var comparison = TdCheckSupport.Compare(model, evaluation, baseline.StepSize, Depth, 0.9);
        double first = result.TaskLosses.Take(20).DefaultIfEmpty(double.NaN).Average();
        double last = result.TaskLosses.TakeLast(20).DefaultIfEmpty(double.NaN).Average();
        return new Outcome(metrics, met, baseline.StepSize, comparison, watch.Elapsed.TotalSeconds, first, last, result.Diverged || baselineResult.Diverged,
            result.Elapsed.TotalSeconds, baselineResult.Elapsed.TotalSeconds);
    }

    /// <inheritdoc />
    public override CheckResult Run(CheckContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var o = TorchThreads.Single(() => Measure(context.Seed + 1, context.Device));
        if (o.Diverged) return CheckResult.Failure("multi-task TD training diverged");
        var m = o.Metrics;
        string figure = context.SaveFigure(TrainedAttention.HeatMaps(
            [("sign-aligned P / max|P|", m.P / m.P.Enumerate().Max(Math.Abs)), ("sign-aligned Q / max|Q|", m.Q / m.Q.Enumerate().Max(Math.Abs))],
            string.Create(CultureInfo.InvariantCulture, $"Learned layer after {Tasks} MRPs (Config A, d=3, L=3 shared)"), symmetricRange: true), Id);
        string note = string.Create(CultureInfo.InvariantCulture,
            $"{Tasks} MRPs x 5 x 64 (seed {context.Seed + 1}, float32, {o.Seconds:F1} s: model {o.ModelSeconds:F1} s, baseline {o.BaselineSeconds:F1} s); loss {o.FirstLoss:F4} (first 20 MRPs) -> {o.LastLoss:F4} (last 20). " +
            $"Sign-aligned: {m.Describe()}. Criteria met {o.CriteriaMet}/4. " +
            $"Top-right block: tr Q[0:d,d:2d] = {m.TraceTopRight:F3} (spec 6.5 at 200 MRPs: not yet formed, trace -0.23; at 2000 MRPs +2.30; paper at 4000 MRPs, d=4: +3.3, not asserted here). " +
            $"Reference end states: spec 6.5 (2000 MRPs, d=3) P[2d,2d] 1.655, tr TL -2.801, others 0.050; paper (4000 MRPs, d=4) P[2d,2d] ~1.6, tr TL ~-4.3, tr TR ~+3.3, other P ~0.12, other Q ~0.2. " +
            $"Trained-alpha TD baseline: alpha = {o.TrainedAlpha:F3}; on {EvaluationTasks} fresh MRPs IWS (= SS here) = {o.Comparison.Iws:F3}, VD = {o.Comparison.Vd:F4} (spec 6.5 at 2000 MRPs: 0.983, 0.055).");
        return CheckResult.Within(o.CriteriaMet, 4, 0, note) with { FigurePath = figure };
    }
}
