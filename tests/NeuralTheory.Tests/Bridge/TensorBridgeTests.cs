using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MathNet.Numerics.LinearAlgebra;
using NeuralTheory.Bridge;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralTheory.Tests.Bridge;

/// <summary>Round trips and checks of the tensor ↔ MathNet bridge, over generated shapes and values (NaN and ±∞ included).</summary>
public class TensorBridgeTests
{
    /// <summary>Matrices from 1×1 up to 12×12, entries from FsCheck's double generator (which includes NaN, ±∞, ±0, extremes).</summary>
    private static Arbitrary<Matrix<double>> Matrices() =>
        (from rows in Gen.Choose(1, 12)
         from cols in Gen.Choose(1, 12)
         from values in ArbMap.Default.GeneratorFor<double>().ArrayOf(rows * cols)
         select Matrix<double>.Build.DenseOfColumnMajor(rows, cols, values)).ToArbitrary();

    private static Arbitrary<Vector<double>> Vectors() =>
        (from n in Gen.Choose(1, 40)
         from values in ArbMap.Default.GeneratorFor<double>().ArrayOf(n)
         select Vector<double>.Build.DenseOfArray(values)).ToArbitrary();

    private static bool BitwiseEqual(IEnumerable<double> a, IEnumerable<double> b) =>
        a.Select(BitConverter.DoubleToInt64Bits).SequenceEqual(b.Select(BitConverter.DoubleToInt64Bits));

    [Property(MaxTest = 100)]
    public Property Float64_matrix_round_trip_is_bit_exact() => Prop.ForAll(Matrices(), m =>
    {
        using var t = m.ToTensor();
        var back = t.ToMatrix();
        return t.dtype == ScalarType.Float64 && t.shape.SequenceEqual([m.RowCount, m.ColumnCount])
            && back.RowCount == m.RowCount && back.ColumnCount == m.ColumnCount
            && BitwiseEqual(back.Enumerate(), m.Enumerate());
    });

    [Property(MaxTest = 100)]
    public Property Float64_vector_round_trip_is_bit_exact() => Prop.ForAll(Vectors(), v =>
    {
        using var t = v.ToTensor();
        return t.dtype == ScalarType.Float64 && t.shape.SequenceEqual([(long)v.Count]) && BitwiseEqual(t.ToVector(), v);
    });

    [Property(MaxTest = 100)]
    public Property Float32_matrix_round_trip_is_exact_and_double_to_float_rounds_to_nearest() => Prop.ForAll(Matrices(), m =>
    {
        var single = m.Map(x => (float)x);
        using var t32 = single.ToTensor();
        using var narrowed = m.ToTensor(ScalarType.Float32);
        var back = t32.ToMatrixSingle();
        return t32.dtype == ScalarType.Float32
            && BitwiseEqual(back.Enumerate().Select(x => (double)x), single.Enumerate().Select(x => (double)x))
            && BitwiseEqual(narrowed.ToMatrix().Enumerate(), single.Enumerate().Select(x => (double)x));
    });

    [Property(MaxTest = 50)]
    public Property Float32_vector_round_trip_is_exact() => Prop.ForAll(Vectors(), v =>
    {
        var single = v.Map(x => (float)x);
        using var t = single.ToTensor();
        return BitwiseEqual(t.ToVectorSingle().Select(x => (double)x), single.Select(x => (double)x));
    });

    [Property(MaxTest = 50)]
    public Property Row_major_layout_matches_tensor_indexing() => Prop.ForAll(Matrices(), m =>
    {
        using var t = m.ToTensor();
        for (int i = 0; i < m.RowCount; i++)
            for (int j = 0; j < m.ColumnCount; j++)
            {
                double expected = m[i, j];
                double actual = t[i, j].item<double>();
                if (BitConverter.DoubleToInt64Bits(expected) != BitConverter.DoubleToInt64Bits(actual)) return false;
            }
        return true;
    });

    [Fact]
    public void One_by_one_matrix_and_single_entry_vector_round_trip()
    {
        var m = Matrix<double>.Build.DenseOfArray(new[,] { { -0.0 } });
        using var t = m.ToTensor();
        Assert.Equal([1L, 1L], t.shape);
        Assert.True(double.IsNegative(t.ToMatrix()[0, 0]));
        var v = Vector<double>.Build.Dense(1, double.NaN);
        using var tv = v.ToTensor();
        Assert.True(double.IsNaN(tv.ToVector()[0]));
    }

    [Fact]
    public void Non_contiguous_views_are_read_in_logical_order()
    {
        var m = Matrix<double>.Build.Dense(3, 5, (i, j) => 10 * i + j);
        using var t = m.ToTensor();
        using var view = t.t();
        Assert.False(view.is_contiguous());
        Assert.Equal(m.Transpose(), view.ToMatrix());
        using var column = t[.., 2];
        Assert.Equal(m.Column(2), column.ToVector());
    }

    [Fact]
    public void Results_never_alias_their_source()
    {
        var m = Matrix<double>.Build.Dense(2, 2, 1.0);
        using var t = m.ToTensor();
        m[0, 0] = 5;
        Assert.Equal(1.0, t[0, 0].item<double>());
        var back = t.ToMatrix();
        t[1, 1] = tensor(7.0);
        Assert.Equal(1.0, back[1, 1]);
    }

    [Fact]
    public void Empty_tensors_have_no_MathNet_counterpart_and_say_so()
    {
        using var empty = zeros(0, 3, dtype: ScalarType.Float64);
        var e = Assert.Throws<ArgumentException>(() => empty.ToMatrix());
        Assert.Equal("tensor", e.ParamName);
        Assert.Contains("[0, 3]", e.Message);
        Assert.Contains("empty", e.Message);
        using var emptyVector = zeros(0, dtype: ScalarType.Float32);
        Assert.Throws<ArgumentException>(() => emptyVector.ToVectorSingle());
    }

    [Fact]
    public void Wrong_rank_is_refused_with_the_shape_in_the_message()
    {
        using var cube = zeros(2, 3, 4, dtype: ScalarType.Float64);
        var e = Assert.Throws<ArgumentException>(() => cube.ToMatrix());
        Assert.Contains("2-D", e.Message);
        Assert.Contains("[2, 3, 4]", e.Message);
        using var flat = zeros(6, dtype: ScalarType.Float64);
        Assert.Contains("2-D", Assert.Throws<ArgumentException>(() => flat.ToMatrix()).Message);
        Assert.Contains("1-D", Assert.Throws<ArgumentException>(() => cube.ToVector()).Message);
    }

    [Fact]
    public void Wrong_dtypes_are_refused_and_narrowing_is_never_silent()
    {
        using var ints = zeros(2, 2, dtype: ScalarType.Int32);
        Assert.Contains("Int32", Assert.Throws<ArgumentException>(() => ints.ToMatrix()).Message);
        using var doubles = zeros(2, 2, dtype: ScalarType.Float64);
        var e = Assert.Throws<ArgumentException>(() => doubles.ToMatrixSingle());
        Assert.Contains("Float32", e.Message);
        using var half = zeros(3, dtype: ScalarType.Float16);
        Assert.Throws<ArgumentException>(() => half.ToVector());
        var m = Matrix<double>.Build.Dense(2, 2);
        Assert.Equal("dtype", Assert.Throws<ArgumentException>(() => m.ToTensor(ScalarType.Int64)).ParamName);
    }

    [Fact]
    public void Disposed_tensors_are_refused()
    {
        var t = zeros(2, 2, dtype: ScalarType.Float64);
        t.Dispose();
        Assert.Contains("disposed", Assert.Throws<ArgumentException>(() => t.ToMatrix()).Message);
    }

    [Fact]
    public void Tensors_land_on_the_requested_device()
    {
        var m = Matrix<double>.Build.Dense(2, 3, 1.5);
        using var t = m.ToTensor(device: CPU);
        Assert.Equal(DeviceType.CPU, t.device_type);
        // torch.CUDA itself throws where no CUDA backend is loaded, so name the device without initialising it.
        var gpu = new Device(DeviceType.CUDA, 0);
        if (cuda.is_available())
        {
            using var g = m.ToTensor(device: gpu);
            Assert.Equal(DeviceType.CUDA, g.device_type);
            Assert.Equal(m, g.ToMatrix());
        }
        else
        {
            var e = Assert.Throws<ArgumentException>(() => m.ToTensor(device: gpu));
            Assert.Equal("device", e.ParamName);
            Assert.Contains("CUDA", e.Message);
        }
    }

    [Theory]
    [InlineData("cpu")]
    [InlineData(" CPU ")]
    public void Device_names_parse(string name) => Assert.Equal(DeviceType.CPU, DeviceCheck.Parse(name).type);

    [Theory]
    [InlineData("tpu")]
    [InlineData("cuda:-1")]
    [InlineData("cuda:x")]
    [InlineData("")]
    public void Bad_device_names_are_refused(string name) =>
        Assert.ThrowsAny<ArgumentException>(() => DeviceCheck.Parse(name));
}
