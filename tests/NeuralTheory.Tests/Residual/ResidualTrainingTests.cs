using MathNet.Numerics.LinearAlgebra;
using NeuralTheory.Bridge;
using NeuralTheory.Numerics.Residual;
using NeuralTheory.Residual;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralTheory.Tests.Residual;

/// <summary><see cref="ResidualTraining.GradientDescent"/>: one step against the MathNet reference backward, the spec 6.5 exact facts, bad inputs.</summary>
public class ResidualTrainingTests
{
    private static (ResidualNetwork Net, Tensor X, Tensor Y) Setup(int depth, bool smooth, long seed = 3)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator((ulong)seed, CPU);
        const int d = 3, m = 4, n = 5;
        var w0 = randn([m, d], ScalarType.Float64, generator: g);
        var v = smooth ? zeros(depth, d, m, ScalarType.Float64) : randn([depth, d, m], ScalarType.Float64, generator: g) / Math.Sqrt(m);
        var w = smooth ? w0.expand(depth, m, d).contiguous() : randn([depth, m, d], ScalarType.Float64, generator: g);
        var net = ResidualNetwork.FromWeights(v, w, BranchType.TwoLayer, ResidualActivation.Gelu, ResidualScaling.Explicit(1.0 / depth));
        var x = randn([n, d], ScalarType.Float64, generator: g);
        var y = randn([n, d], ScalarType.Float64, generator: g);
        return (net, x.DetachFromDisposeScope(), y.DetachFromDisposeScope());
    }

    [Fact]
    public void One_step_equals_theta_minus_eta_times_the_reference_gradient_of_the_mean_squared_loss()
    {
        var (net, x, y) = Setup(4, smooth: false);
        using var _ = net; using var __ = x; using var ___ = y;
        const double eta = 0.3;
        int depth = net.Depth, n = (int)x.shape[0], d = (int)x.shape[1];
        var vs = Enumerable.Range(0, depth).Select(k => net.V![k].detach().ToMatrix()).ToArray();
        var ws = Enumerable.Range(0, depth).Select(k => net.W![k].detach().ToMatrix()).ToArray();
        var gv = vs.Select(v => Matrix<double>.Build.Dense(v.RowCount, v.ColumnCount)).ToArray();
        var gw = ws.Select(w => Matrix<double>.Build.Dense(w.RowCount, w.ColumnCount)).ToArray();
        double loss = 0;
        for (int s = 0; s < n; s++)
        {
            var states = ResNetForward.Run(x[s].ToVector(), vs, ws, ResNetBranch.TwoLayer, ResNetActivation.Gelu, net.Alpha);
            var r = states[^1] - y[s].ToVector();
            loss += r.DotProduct(r) / (n * d);
            var grads = ResNetBackward.Run(states, vs, ws, ResNetBranch.TwoLayer, ResNetActivation.Gelu, net.Alpha, r * (2.0 / (n * d)));
            for (int k = 0; k < depth; k++) { gv[k] += grads.GradV[k]; gw[k] += grads.GradW[k]; }
        }
        var losses = ResidualTraining.GradientDescent(net, x, y, eta, 1);
        Assert.Equal(loss, Assert.Single(losses), 1e-13);
        for (int k = 0; k < depth; k++)
        {
            Assert.True((net.V![k].detach().ToMatrix() - (vs[k] - eta * gv[k])).Enumerate().Max(Math.Abs) <= 1e-13, $"V_{k + 1}");
            Assert.True((net.W![k].detach().ToMatrix() - (ws[k] - eta * gw[k])).Enumerate().Max(Math.Abs) <= 1e-13, $"W_{k + 1}");
        }
    }

    [Fact]
    public void From_zero_V_and_tied_W_the_layers_stay_identical_after_one_step_and_differ_after_two()
    {
        var (net, x, y) = Setup(6, smooth: true);
        using var _ = net; using var __ = x; using var ___ = y;
        var variation = new List<double>();
        var losses = ResidualTraining.GradientDescent(net, x, y, 0.05 * net.Depth, 3, t =>
            variation.Add(ResidualDiagnostics.Regularity(net.V!).TotalVariation + ResidualDiagnostics.Regularity(net.W!).TotalVariation));
        Assert.Equal(3, losses.Length);
        Assert.Equal(0, variation[0]);            // spec 6.5: at t = 1 all differences are exactly 0
        Assert.True(variation[1] > 0, "differences first appear at t = 2");
        Assert.True(losses[2] < losses[0], $"the loss did not decrease: {losses[0]} -> {losses[2]}");
    }

    [Fact]
    public void Bad_arguments_are_rejected_with_the_parameter_named()
    {
        var (net, x, y) = Setup(2, smooth: true);
        using var _ = net; using var __ = x; using var ___ = y;
        Assert.Equal("learningRate", Assert.Throws<ArgumentException>(() => ResidualTraining.GradientDescent(net, x, y, 0, 1)).ParamName);
        Assert.Equal("learningRate", Assert.Throws<ArgumentException>(() => ResidualTraining.GradientDescent(net, x, y, double.NaN, 1)).ParamName);
        Assert.Equal("steps", Assert.Throws<ArgumentException>(() => ResidualTraining.GradientDescent(net, x, y, 0.1, -1)).ParamName);
        using var wrong = zeros(4, 3, ScalarType.Float64);
        Assert.Equal("y", Assert.Throws<ArgumentException>(() => ResidualTraining.GradientDescent(net, x, wrong, 0.1, 1)).ParamName);
        Assert.Empty(ResidualTraining.GradientDescent(net, x, y, 0.1, 0));
        Assert.Throws<InvalidOperationException>(() => ResidualTraining.GradientDescent(net, x * 1e200, y, 1e300, 3));
    }
}
