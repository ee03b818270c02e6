using NeuralTheory.Attention;
using NeuralTheory.Normalization;
using NeuralTheory.PolicyEvaluation;
using NeuralTheory.Residual;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralTheory.Tests.Api;

/// <summary>
/// Release hardening: on the CPU the same seed gives bit-identical results for every generator and trainer (the Lab's
/// checks are compared run against run by <c>verify --baseline</c> in CI; the multi-task TD trainer has its own test), and
/// another seed gives different ones (so the comparison is not vacuous).
/// </summary>
public class DeterminismTests
{
    private static bool BitIdentical(IReadOnlyList<Tensor> a, IReadOnlyList<Tensor> b) =>
        a.Count == b.Count && a.Zip(b).All(p => p.First.shape.SequenceEqual(p.Second.shape) && p.First.eq(p.Second).all().item<bool>());

    private static Tensor[] Parameters(nn.Module module) => [.. module.parameters().Select(p => p.detach().clone())];

    private static void AssertSeeded(Func<long, Tensor[]> run)
    {
        using var scope = NewDisposeScope();
        var first = run(1);
        var again = run(1);
        var other = run(2);
        Assert.True(BitIdentical(first, again), "The same seed gave different results.");
        Assert.False(BitIdentical(first, other), "Another seed gave the same results: the seed is not used.");
    }

    [Fact]
    public void Attention_initialisers_and_the_prompt_sampler()
    {
        AssertSeeded(seed => { using var m = LinearSelfAttention.RandomMerged(5, heads: 2, initStd: 0.1, seed: seed, dtype: ScalarType.Float64); return Parameters(m); });
        AssertSeeded(seed => { using var m = LinearSelfAttention.RandomSeparate(5, 2, 3, 3, seed: seed, dtype: ScalarType.Float64); return Parameters(m); });
        AssertSeeded(seed =>
        {
            using var sampler = new RegressionPromptSampler(3, 6, noiseVariance: 0.1, dtype: ScalarType.Float64);
            using var g = new Generator((ulong)seed);
            using var batch = sampler.Sample(8, g);
            return [batch.Prompt.clone(), batch.QueryY.clone(), batch.Weights.clone()];
        });
    }

    [Fact]
    public void In_context_trainer()
    {
        AssertSeeded(seed =>
        {
            using var sampler = new RegressionPromptSampler(3, 8, noiseVariance: 0.1);
            var layers = new[] { LinearSelfAttention.RandomMerged(4, 2, 0.01, seed: 2), LinearSelfAttention.RandomMerged(4, 2, 0.01, seed: 3) };
            using var model = new LinearTransformer(layers);
            var options = new InContextTrainingOptions { Steps = 30, BatchSize = 32, LearningRate = 0.01, Seed = seed, ProgressInterval = 10 };
            var result = new InContextTrainer(options).Train(model, sampler);
            var output = Parameters(model).Append(tensor(result.LossHistory.ToArray())).ToArray();
            foreach (var l in layers) l.Dispose();
            return output;
        });
    }

    [Fact]
    public void Td_transformer_initialiser()
    {
        AssertSeeded(seed => { using var m = TdTransformer.Random(2, 6, 3, shared: false, seed: seed, dtype: ScalarType.Float64); return Parameters(m); });
    }

    [Fact]
    public void Normalised_mlp_gaussian_and_orthogonal()
    {
        AssertSeeded(seed => { using var m = new NormalizedMlp(6, 8, 3, MlpNorm.BatchNorm, MlpActivation.Tanh, seed: seed); return Parameters(m); });
        AssertSeeded(seed => { using var m = new NormalizedMlp(8, 8, 3, MlpNorm.BatchNorm, MlpActivation.Identity, orthogonal: true, seed: seed); return Parameters(m); });
    }

    [Fact]
    public void Residual_initialisations_and_training()
    {
        var families = new[] { ResidualInit.IidGaussian(), ResidualInit.IidUniform(), ResidualInit.SmoothSines(), ResidualInit.BrownianPath, ResidualInit.FractionalGaussianNoise(0.7), ResidualInit.RbfGP() };
        foreach (var init in families)
            AssertSeeded(seed => { using var g = new Generator((ulong)seed); return [init.Sample(6, 4, 3, g)]; });
        AssertSeeded(seed => { using var net = new ResidualNetwork(6, 4, BranchType.TwoLayer, ResidualActivation.Tanh, seed: seed); return Parameters(net); });
        AssertSeeded(seed =>
        {
            using var net = ResidualNetwork.Create(8, 4, BranchType.PreActivation, ResidualActivation.Tanh, ResidualInit.SmoothSines(), seed: 3);
            using var g = new Generator((ulong)seed);
            using var x = randn([16, 4], ScalarType.Float64, generator: g);
            using var y = randn([16, 4], ScalarType.Float64, generator: g);
            var losses = ResidualTraining.GradientDescent(net, x, y, learningRate: 0.05, steps: 5);
            return [.. Parameters(net), tensor(losses)];
        });
    }
}
