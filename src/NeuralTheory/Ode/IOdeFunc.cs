using static TorchSharp.torch;

namespace NeuralTheory.Ode;

/// <summary>
/// A vector field <c>f(t, y)</c> for <c>OdeSolver</c> and <c>NeuralOde</c> (Chen, Rubanova, Bettencourt,
/// Duvenaud 2018, "Neural Ordinary Differential Equations", arXiv:1806.07366). Usually implemented by an <c>nn.Module</c>,
/// whose parameters are then the adjoint's <c>θ</c>.
/// </summary>
public interface IOdeFunc
{
    /// <summary>Evaluates <c>f(t, y)</c>: a new tensor of the shape, dtype and device of <paramref name="y"/>.</summary>
    /// <param name="t">Time, a float64 scalar tensor on <paramref name="y"/>'s device.</param>
    /// <param name="y">State of any shape (batch included).</param>
    Tensor Invoke(Tensor t, Tensor y);
}

/// <summary>An <see cref="IOdeFunc"/> from a delegate (no parameters of its own; captured tensors are the caller's).</summary>
public sealed class OdeFunc : IOdeFunc
{
    private readonly Func<Tensor, Tensor, Tensor> _f;

    /// <summary>Wraps <paramref name="f"/>.</summary>
    /// <param name="f"><c>(t, y) ↦ f(t, y)</c>.</param>
    public OdeFunc(Func<Tensor, Tensor, Tensor> f) => _f = f ?? throw new ArgumentNullException(nameof(f));

    /// <inheritdoc />
    public Tensor Invoke(Tensor t, Tensor y)
    {
        ArgumentNullException.ThrowIfNull(t);
        ArgumentNullException.ThrowIfNull(y);
        return _f(t, y);
    }
}
