using TorchSharp;
using static TorchSharp.torch;

namespace NeuralTheory.Bridge;

/// <summary>
/// Arithmetic with <see cref="Scalar"/> operands that stay reachable until libtorch has returned. TorchSharp 0.107
/// turns a number argument (<c>x * 0.5</c>, <c>x.div_(n)</c>) and the implicit <c>alpha = 1</c> of <c>x + y</c>,
/// <c>add_</c> and <c>index_add_</c> (not of <c>x - y</c>, whose native call takes no scalar) into a temporary <see cref="Scalar"/> that nothing references once its
/// handle is read, so the garbage collector may finalise it (freeing the native scalar) while the native call still reads
/// it. The symptom is a rare "Expected false to be true" from <c>Scalar::toDouble</c>, or a crash inside an autograd
/// callback (docs/getting-started.md). Hot loops go through these helpers: the unit <c>alpha</c> is a static (rooted)
/// scalar, and other numbers are held by a <c>using</c> declaration until the call has returned.
/// </summary>
internal static class HeldScalars
{
    /// <summary>The unit <c>alpha</c>, rooted for the life of the process.</summary>
    internal static readonly Scalar One = 1.0.ToScalar();

    /// <summary><c>x + y</c> (a new tensor).</summary>
    internal static Tensor Plus(this Tensor x, Tensor y) => x.add(y, One);

    /// <summary><c>x += y</c> in place; returns <paramref name="x"/>'s new handle as TorchSharp's <c>add_</c> does.</summary>
    internal static Tensor AddInPlace(this Tensor x, Tensor y) => x.add_(y, One);

    /// <summary><c>x.index_add_(dim, index, source)</c> with a held unit <c>alpha</c>.</summary>
    internal static Tensor IndexAddInPlace(this Tensor x, long dim, Tensor index, Tensor source) => x.index_add_(dim, index, source, One);

    /// <summary><c>x.index_add(dim, index, source)</c> (a new tensor) with a held unit <c>alpha</c>.</summary>
    internal static Tensor IndexAdd(this Tensor x, long dim, Tensor index, Tensor source) => x.index_add(dim, index, source, One);

    /// <summary><c>x + alpha · y</c> (a new tensor).</summary>
    internal static Tensor PlusScaled(this Tensor x, Tensor y, double alpha)
    {
        using var s = alpha.ToScalar();
        return x.add(y, s);
    }

    /// <summary><c>x *= value</c> in place.</summary>
    internal static Tensor MultiplyInPlace(this Tensor x, double value)
    {
        using var s = value.ToScalar();
        return x.mul_(s);
    }

    /// <summary><c>x += value</c> in place.</summary>
    internal static Tensor AddInPlace(this Tensor x, double value)
    {
        using var s = value.ToScalar();
        return x.add_(s, One);
    }

    /// <summary><c>x + value</c> (a new tensor).</summary>
    internal static Tensor PlusValue(this Tensor x, double value)
    {
        using var s = value.ToScalar();
        return x.add(s, One);
    }

    /// <summary><c>x *= decay; x += alpha · y</c> in place (an exponential moving average step).</summary>
    internal static Tensor DecayAndAddInPlace(this Tensor x, double decay, Tensor y, double alpha)
    {
        using var d = decay.ToScalar();
        using var a = alpha.ToScalar();
        return x.mul_(d).add_(y, a);
    }

    /// <summary><c>x * value</c> (a new tensor).</summary>
    internal static Tensor Times(this Tensor x, double value)
    {
        using var s = value.ToScalar();
        return x.mul(s);
    }

    /// <summary><c>x / value</c> (a new tensor).</summary>
    internal static Tensor DividedBy(this Tensor x, double value)
    {
        using var s = value.ToScalar();
        return x.div(s);
    }

    /// <summary><c>x /= value</c> in place.</summary>
    internal static Tensor DivideInPlace(this Tensor x, double value)
    {
        using var s = value.ToScalar();
        return x.div_(s);
    }

    /// <summary><c>x * scale + shift</c> (a new tensor; the intermediate product is disposed).</summary>
    internal static Tensor Affine(this Tensor x, double scale, double shift)
    {
        using var a = scale.ToScalar();
        using var b = shift.ToScalar();
        using var product = x.mul(a);
        return product.add(b, One);
    }
}
