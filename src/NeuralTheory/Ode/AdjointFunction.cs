using NeuralTheory.Bridge;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuralTheory.Ode;

/// <summary>
/// The continuous adjoint as a custom autograd function (Chen, Rubanova, Bettencourt, Duvenaud 2018, arXiv:1806.07366,
/// Alg. 1; spec neural-ode 3.11, 4.2): the forward pass solves without recording a graph and keeps only the outputs; the
/// backward pass integrates <c>(y, a, a_θ)</c> with <c>da/dt = −aᵀ∂f/∂y</c>, <c>da_θ/dt = −aᵀ∂f/∂θ</c> from each output time to the
/// previous one, resetting <c>y</c> to the stored forward value and adding <c>∂L/∂y(t_i)</c> to <c>a</c> at every output time.
/// Memory is independent of the number of steps.
/// </summary>
/// <remarks>
/// Arguments of <c>apply</c>: <c>y0</c>, a <see cref="Context"/> (non-tensor), then the parameter tensors <c>θ</c>. The error
/// norm of the backward solve is the RMS over the whole augmented state (torchdiffeq uses the maximum of per-part RMS
/// norms); its tolerances are <see cref="OdeOptions.AdjointRtol"/> and <see cref="OdeOptions.AdjointAtol"/>.
/// </remarks>
internal sealed class AdjointFunction : autograd.MultiTensorFunction<AdjointFunction>
{
    internal sealed record Context(IOdeFunc Func, double[] Times, OdeOptions Options, Action<OdeSolution> OnForward, Action<int> OnBackward);

    public override string Name => "NeuralTheory.OdeAdjoint";

    public override List<Tensor> forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var y0 = (Tensor)vars[0];
        var c = (Context)vars[1];
        using var noGrad = no_grad();
        using var solution = OdeSolver.SolveCore(c.Func, y0.detach(), c.Times, c.Options with { Gradient = GradientMode.Backprop });
        c.OnForward(solution);
        var ys = solution.Ys.detach().clone();
        ctx.save_for_backward([ys]);
        ctx.save_data("context", c);
        ctx.save_data("parameters", vars.Skip(2).Cast<Tensor>().ToArray());
        return [ys];
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, List<Tensor> grad_outputs)
    {
        var c = (Context)ctx.get_data("context");
        var parameters = (Tensor[])ctx.get_data("parameters");
        var ys = ctx.get_saved_variables()[0];
        var gradYs = grad_outputs[0];
        var o = c.Options;
        var adjointOptions = o with
        {
            Rtol = o.AdjointRtol ?? o.Rtol,
            Atol = o.AdjointAtol ?? o.Atol,
            Gradient = GradientMode.Backprop,
            RecordSteps = false,
            Progress = null,
        };
        long stateSize = ys[0].numel();
        var shape = ys[0].shape;
        var field = new AugmentedField(c.Func, shape, parameters);
        Tensor a, aTheta;
        int nfe = 0;
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            int m = c.Times.Length - 1;
            a = gradYs[m].flatten();
            aTheta = zeros(parameters.Sum(p => p.numel()), ys.dtype, ys.device);
            for (int i = m; i >= 1; i--)
            {
                var state = cat([ys[i].flatten(), a, aTheta]);
                using var solution = OdeSolver.SolveCore(field, state, [c.Times[i], c.Times[i - 1]], adjointOptions);
                nfe += solution.Nfe;
                var end = solution.Ys[1];
                a = end.narrow(0, stateSize, stateSize).Plus(gradYs[i - 1].flatten());
                aTheta = end.narrow(0, 2 * stateSize, aTheta.shape[0]);
            }
            a = a.reshape(shape).MoveToOuterDisposeScope();
            aTheta = aTheta.MoveToOuterDisposeScope();
        }
        c.OnBackward(nfe);
        var result = new List<Tensor> { a, null! };
        long offset = 0;
        foreach (var p in parameters)
        {
            result.Add(aTheta.narrow(0, offset, p.numel()).reshape(p.shape).clone());
            offset += p.numel();
        }
        aTheta.Dispose();
        return result;
    }

    /// <summary>The augmented field on the flat state <c>[y, a, a_θ]</c>: <c>[f, −aᵀ∂f/∂y, −aᵀ∂f/∂θ]</c> by one VJP.</summary>
    private sealed class AugmentedField(IOdeFunc f, long[] shape, Tensor[] parameters) : IOdeFunc
    {
        private readonly long _n = shape.Aggregate(1L, (x, y) => x * y);

        public Tensor Invoke(Tensor t, Tensor z)
        {
            using var scope = NewDisposeScope();
            using var grad = enable_grad();
            var y = z.narrow(0, 0, _n).reshape(shape).detach().requires_grad_(true);
            var a = z.narrow(0, _n, _n).reshape(shape);
            var fy = f.Invoke(t, y);
            var inputs = new List<Tensor> { y };
            inputs.AddRange(parameters);
            var grads = autograd.grad([fy], inputs, [a.neg()], allow_unused: true);
            var parts = new List<Tensor> { fy.detach().flatten() };
            for (int i = 0; i < inputs.Count; i++)
            {
                var g = grads[i];
                parts.Add(g is null || g.IsInvalid ? zeros(inputs[i].numel(), z.dtype, z.device) : g.detach().flatten());
            }
            return cat(parts).MoveToOuterDisposeScope();
        }
    }
}
