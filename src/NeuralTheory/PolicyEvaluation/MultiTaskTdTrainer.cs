using NeuralTheory.Bridge;
using System.Diagnostics;
using NeuralTheory.Numerics.Common;
using NeuralTheory.Numerics.PolicyEvaluation;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuralTheory.PolicyEvaluation;

/// <summary>
/// Multi-task TD training (Wang, Blaser, Daneshmand, Zhang 2024, arXiv:2405.13861, Algorithm 1; spec in-context-td 4.6):
/// for each of <see cref="MultiTaskTdOptions.Tasks"/> freshly sampled Boyan-chain MRPs (new features <c>Φ ~ U(−1, 1)</c> each),
/// <see cref="MultiTaskTdOptions.MinibatchesPerTask"/> minibatches of <c>B</c> consecutive sliding-window prompts
/// (<see cref="SlidingWindowPrompts"/>) and one optimiser step each on the semi-gradient TD loss
/// <c>(1/B) Σ_t (R_t + γ·stopgrad(TF(Z^{(t+1)})) − TF(Z^{(t)}))²</c>.
/// </summary>
/// <remarks>
/// <para>The target <c>R_t + γ TF(Z^{(t+1)})</c> is detached (semi-gradient TD, spec pitfall 9): back-propagating through it would
/// train residual gradient instead. All <c>B + 1</c> prompts of a minibatch run as one batched forward (pitfall 13).</para>
/// <para>Bounded (<c>Tasks × MinibatchesPerTask</c> steps), seeded (the same seed and initial model give the same losses and
/// weights on CPU), every step in its own dispose scope; a non-finite loss stops training (<see cref="MultiTaskTdResult.Diverged"/>).</para>
/// </remarks>
public sealed class MultiTaskTdTrainer
{
    /// <summary>Creates a trainer.</summary>
    /// <param name="options">Settings; validated here.</param>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public MultiTaskTdTrainer(MultiTaskTdOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
    }

    /// <summary>The settings.</summary>
    public MultiTaskTdOptions Options { get; }

    /// <summary>Trains <paramref name="model"/> in place.</summary>
    /// <param name="model">A discounted value model (a <see cref="TdTransformer"/> or the step-size baseline <see cref="TdStepSizeModel"/>).</param>
    /// <param name="progress">Optional callback every <see cref="MultiTaskTdOptions.ProgressInterval"/> MRPs and after the last.</param>
    /// <exception cref="ArgumentException">The model has no parameters or is not a discounted model.</exception>
    public MultiTaskTdResult Train(ITdValueModel model, Action<MultiTaskTdProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model is TdTransformer { Readout: not TdValueReadout.Discounted })
            throw new ArgumentException("Multi-task TD trains the discounted read-out; got an average-reward model.", nameof(model));
        var parameters = model.TrainableParameters().ToArray();
        if (parameters.Length == 0) throw new ArgumentException("The model has no trainable parameters.", nameof(model));
        var o = Options;
        int d = model.FeatureDim, n = model.ContextLength;
        var random = new SeededRandom(o.Seed);
        using var optimizer = o.Optimizer == TdOptimizer.Adam
            ? (optim.Optimizer)optim.Adam(parameters, o.LearningRate, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: o.WeightDecay)
            : optim.SGD(parameters, o.LearningRate, weight_decay: o.WeightDecay);
        if (model is nn.Module module) module.train();
        var losses = new List<double>(o.Tasks);
        bool diverged = false;
        double sinceReport = 0;
        int reported = 0;
        var watch = Stopwatch.StartNew();
        for (int task = 0; task < o.Tasks && !diverged; task++)
        {
            var mrp = RandomMrp.Boyan(o.States, d, o.Discount, random, o.RepresentableRewards);
            double taskLoss = 0;
            for (int m = 0; m < o.MinibatchesPerTask; m++)
            {
                var states = Trajectory.Sample(mrp, n + 2 + o.BatchSize, random);
                double loss = Step(model, optimizer, mrp, states, n);
                if (!double.IsFinite(loss)) { diverged = true; taskLoss = loss; break; }
                taskLoss += loss / o.MinibatchesPerTask;
            }
            losses.Add(taskLoss);
            sinceReport += taskLoss;
            int done = task + 1;
            if (progress is not null && (done % o.ProgressInterval == 0 || done == o.Tasks || diverged))
            {
                progress(new MultiTaskTdProgress(done, o.Tasks, sinceReport / (done - reported)));
                sinceReport = 0;
                reported = done;
            }
        }
        if (model is nn.Module trained) trained.eval();
        return new MultiTaskTdResult(losses, diverged, watch.Elapsed);
    }

    /// <summary>
    /// The semi-gradient multi-task TD loss of one minibatch (spec 4.6), differentiable in the model's parameters only through
    /// <c>TF(Z^{(t)})</c>: <c>(1/B) Σ_t (R_t + γ·stopgrad(TF(Z^{(t+1)})) − TF(Z^{(t)}))²</c>, with <paramref name="prompts"/> the
    /// <c>B + 1</c> sliding-window prompts and <paramref name="queryRewards"/> their <c>R_t</c> (the last one unused).
    /// </summary>
    /// <param name="model">The value model.</param>
    /// <param name="prompts"><c>(B+1, 2d+1, n+1)</c>, <c>B ≥ 1</c>.</param>
    /// <param name="queryRewards"><c>(B+1)</c>, finite, the dtype and device of <paramref name="prompts"/>.</param>
    /// <param name="discount"><c>γ ∈ [0, 1]</c>.</param>
    /// <returns>A scalar tensor.</returns>
    /// <exception cref="ArgumentException">The shapes disagree.</exception>
    public static Tensor Loss(ITdValueModel model, Tensor prompts, Tensor queryRewards, double discount)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(queryRewards);
        if (prompts.dim() != 3 || prompts.shape[0] < 2)
            throw new ArgumentException($"Expected B + 1 ≥ 2 prompts of shape (B+1, D, n+1), got [{string.Join(", ", prompts.shape)}].", nameof(prompts));
        if (queryRewards.dim() != 1 || queryRewards.shape[0] != prompts.shape[0])
            throw new ArgumentException($"Expected query rewards of shape ({prompts.shape[0]}), got [{string.Join(", ", queryRewards.shape)}].", nameof(queryRewards));
        Attention.AttentionChecks.FloatingPoint(prompts, nameof(prompts));
        Attention.AttentionChecks.SameKind(queryRewards, prompts, nameof(queryRewards), nameof(prompts));
        Attention.AttentionChecks.Finite(queryRewards, nameof(queryRewards));
        if (!double.IsFinite(discount) || discount < 0 || discount > 1)
            throw new ArgumentException($"Expected a discount γ in [0, 1], got {discount}.", nameof(discount));
        using var scope = NewDisposeScope();
        long b = prompts.shape[0] - 1;
        Tensor values;
        try
        {
            values = model.PredictValue(prompts);                                        // (B+1)
        }
        catch (ArgumentException e) when (e.ParamName == "z")
        {
            // The model checks the prompt layout under its own parameter name; report it under this method's.
            throw new ArgumentException(e.Message.Replace(" (Parameter 'z')", "", StringComparison.Ordinal), nameof(prompts), e);
        }
        var target = queryRewards.narrow(0, 0, b).Plus(values.narrow(0, 1, b).detach().Times(discount));
        var delta = target - values.narrow(0, 0, b);
        return delta.square().mean().MoveToOuterDisposeScope();
    }

    private double Step(ITdValueModel model, optim.Optimizer optimizer, MarkovRewardProcess mrp, int[] states, int n)
    {
        using var scope = NewDisposeScope();
        optimizer.zero_grad();
        var (prompts, rewards) = SlidingWindowPrompts.Build(mrp, states, n, model.DType, model.Device);
        var loss = Loss(model, prompts, rewards, mrp.Discount);
        if (Options.Antithetic)
        {
            // The antithetic copy: the same prompts with the reward row (row 2d) and the query rewards negated (exact sign flips).
            var negated = prompts.clone();
            negated.select(1, prompts.shape[1] - 1).neg_();
            loss = loss.Plus(Loss(model, negated, rewards.neg(), mrp.Discount)).DividedBy(2);
        }
        double value = loss.detach().to_type(ScalarType.Float64).item<double>();
        if (!double.IsFinite(value)) return value;
        loss.backward();
        optimizer.step();
        return value;
    }
}
