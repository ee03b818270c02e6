using NeuralTheory.Attention;
using NeuralTheory.Normalization;
using NeuralTheory.Ode;
using NeuralTheory.PolicyEvaluation;
using NeuralTheory.Residual;
using NeuralTheory.Tests.Ode;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace NeuralTheory.Tests.Api;

/// <summary>
/// Release hardening: 10,000 forward/backward passes of every public module, and 1,000 adaptive ODE solves with their
/// backward pass, leave no live tensor behind (TorchSharp's per-thread dispose-scope statistics are equal before and
/// after) and the native and managed heaps stay flat. Runs alone (memory measurements).
/// </summary>
/// <remarks>
/// Two measures. (1) Live tensor handles, exactly: any tensor a pass leaves alive shows. (2) Bytes in use on the native
/// heap (glibc's <c>mallinfo2</c>) and the managed heap (the GC's live bytes), for what escapes the handle count: a
/// retained autograd graph or activations kept natively. The passes run in three thirds after 200 warm-up passes, and
/// the median growth per third is compared with 4 MB: one pass's retained graph is at least several kB here (3,334
/// passes per third for the modules, 334 for the ODE solves, whose graphs are far larger), while one-off events of the
/// process (tiered JIT, allocator caches: ±5 MB seen in one third at a time) land in one third only.
/// </remarks>
[Collection(Ode.MemoryMeasurementCollection.Name)]
public class LeakTests(ITestOutputHelper output)
{
    private const int Passes = 10_002, Warmup = 200;   // 10,000+ passes, in three equal thirds
    private const long BudgetBytes = 4 << 20;

    private void AssertNoLeak(string name, nn.Module module, Func<Tensor> loss, int passes = Passes)
    {
        void Pass()
        {
            using var scope = NewDisposeScope();
            module.zero_grad();
            loss().backward();
        }

        for (int i = 0; i < Warmup; i++) Pass();
        long liveBefore = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        // Three thirds: a leak grows each by the same amount, while a one-off event (tiered JIT, a cache filled or
        // released) lands in one of them, so the median growth measures the leak.
        var heaps = new List<(long Native, long Managed)> { HeapInUse.Now() };
        for (int third = 0; third < 3; third++)
        {
            for (int i = 0; i < passes / 3; i++) Pass();
            heaps.Add(HeapInUse.Now());
        }
        long liveAfter = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        long[] nativeGrowth = [.. Enumerable.Range(0, 3).Select(k => heaps[k + 1].Native - heaps[k].Native)];
        long[] managedGrowth = [.. Enumerable.Range(0, 3).Select(k => heaps[k + 1].Managed - heaps[k].Managed)];
        long native = nativeGrowth.Order().ElementAt(1), managed = managedGrowth.Order().ElementAt(1);
        const long budget = BudgetBytes;
        static string Kb(long[] v) => string.Join(" / ", v.Select(x => (x / 1e3).ToString("+0.0;-0.0", System.Globalization.CultureInfo.InvariantCulture)));
        output.WriteLine($"{name}: {passes} passes, live tensors {liveBefore} → {liveAfter}; growth per third: native heap {Kb(nativeGrowth)} kB, managed heap {Kb(managedGrowth)} kB (budget {budget / 1e3:F0} kB for the median)");
        Assert.True(liveAfter == liveBefore, $"{name}: {liveAfter - liveBefore} tensors leaked over {passes} passes.");
        Assert.True(native <= budget, $"{name}: the native heap's median growth per third of {passes} passes is {native / 1e3:F1} kB (budget {budget / 1e3:F0} kB).");
        Assert.True(managed <= budget, $"{name}: the managed heap's median growth per third of {passes} passes is {managed / 1e3:F1} kB (budget {budget / 1e3:F0} kB).");
    }

    private static Tensor Random(long seed, params long[] shape)
    {
        using var g = new Generator((ulong)seed);
        return randn(shape, ScalarType.Float64, generator: g);
    }

    [Fact]
    public void The_detector_catches_a_leak_of_one_small_tensor_per_pass()
    {
        using var x = Random(9, 4, 3);
        using var ln = new LayerNorm(3, dtype: ScalarType.Float64);
        var kept = new List<Tensor>();
        // Each pass keeps one 12-entry tensor alive beyond its dispose scope: the live count must catch it.
        var ex = Assert.ThrowsAny<Xunit.Sdk.XunitException>(() =>
            AssertNoLeak("leaky", ln, () =>
            {
                var y = ln.forward(x);
                kept.Add(y.detach().DetachFromDisposeScope());
                return y.sum();
            }, passes: 300));
        Assert.Contains("tensors leaked", ex.Message);
        foreach (var t in kept) t.Dispose();
    }

    [Fact]
    public void Linear_self_attention_and_the_transformer()
    {
        using var z = Random(1, 8, 6, 4);
        using (var layer = LinearSelfAttention.RandomMerged(4, heads: 2, initStd: 0.1, seed: 1, dtype: ScalarType.Float64))
            AssertNoLeak(nameof(LinearSelfAttention), layer, () => layer.forward(z).square().sum());
        var layers = Enumerable.Range(0, 3).Select(i => LinearSelfAttention.RandomMerged(4, initStd: 0.1, seed: 10 + i, dtype: ScalarType.Float64)).ToList();
        using (var stack = new LinearTransformer(layers))
            AssertNoLeak(nameof(LinearTransformer), stack, () => stack.forward(z).square().sum());
        foreach (var l in layers) l.Dispose();
    }

    [Fact]
    public void Td_transformer_and_the_step_size_baseline()
    {
        using var features = Random(2, 4, 6, 2);
        using var next = Random(3, 4, 6, 2);
        using var rewards = Random(4, 4, 6);
        using var query = Random(5, 4, 2);
        using var z = TdPrompt.Build(features, next, rewards, query, 0.9);
        using (var model = TdTransformer.Random(2, 6, 2, shared: false, seed: 3, dtype: ScalarType.Float64))
            AssertNoLeak(nameof(TdTransformer), model, () => model.PredictValue(z).square().sum());
        using (var baseline = new TdStepSizeModel(2, 6, 3, initialStepSize: 0.1, dtype: ScalarType.Float64))
            AssertNoLeak(nameof(TdStepSizeModel), baseline, () => baseline.PredictValue(z).square().sum());
    }

    [Fact]
    public void Batch_norm_layer_norm_and_the_normalised_mlp()
    {
        using var x = Random(6, 16, 8);
        using (var bn = new BatchNorm(8, dtype: ScalarType.Float64))
            AssertNoLeak(nameof(BatchNorm), bn, () => bn.forward(x).square().sum());
        using (var ln = new LayerNorm(8, dtype: ScalarType.Float64))
            AssertNoLeak(nameof(LayerNorm), ln, () => ln.forward(x).square().sum());
        using (var mlp = new NormalizedMlp(8, 16, 4, MlpNorm.BatchNorm, MlpActivation.Tanh, outputDim: 1, seed: 4))
            AssertNoLeak(nameof(NormalizedMlp), mlp, () => mlp.forward(x).square().sum());
    }

    [Fact]
    public void Residual_network()
    {
        using var h = Random(7, 16, 8);
        using var net = new ResidualNetwork(8, 8, BranchType.TwoLayer, ResidualActivation.Tanh, seed: 5);
        AssertNoLeak(nameof(ResidualNetwork), net, () => net.forward(h).square().sum());
    }

    [Theory]
    [InlineData(GradientMode.Backprop)]
    [InlineData(GradientMode.Adjoint)]
    public void Adaptive_ode_solves(GradientMode mode)
    {
        using var field = new CubicMlpField(seed: 7, weightStd: 0.5);
        using var ode = new NeuralOde(field, 0, 1, new OdeOptions { Rtol = 1e-5, Atol = 1e-8, Gradient = mode });
        using var y0 = Random(8, 8, 2);
        AssertNoLeak($"{nameof(NeuralOde)} ({mode}, Dopri5)", ode, () => ode.forward(y0).square().sum(), passes: 1_002);
    }
}
