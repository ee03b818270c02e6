using MathNet.Numerics.LinearAlgebra;
using NeuralTheory.Bridge;
using static TorchSharp.torch;

// A consumer of the NeuralTheory package: a libtorch product checked against MathNet's.
var a = Matrix<double>.Build.Dense(3, 3, (i, j) => i + 2.0 * j);
using var t = a.ToTensor();
using var product = t.matmul(t);
var expected = a * a;
double sum = product.sum().item<double>();
bool same = product.ToMatrix().Equals(expected);
Console.WriteLine($"torch: sum of A·A = {sum} (MathNet: {expected.Enumerate().Sum()}), equal: {same}");
return same ? 0 : 1;
