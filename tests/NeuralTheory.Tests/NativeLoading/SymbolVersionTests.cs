using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NeuralTheory.NativePatch;

namespace NeuralTheory.Tests.NativeLoading;

public class SymbolVersionTests
{
    [Theory]
    [InlineData("GLIBCXX_3.4.32", "GLIBCXX", "3.4.32")]
    [InlineData("GLIBC_2.2.5", "GLIBC", "2.2.5")]
    [InlineData("CXXABI_1.3", "CXXABI", "1.3")]
    public void Parses_family_and_number(string name, string family, string number)
    {
        var v = SymbolVersion.Parse(name);
        Assert.Equal(family, v.Family);
        Assert.Equal(Version.Parse(number), v.Number);
        Assert.Equal(name, v.ToString());
    }

    [Theory]
    [InlineData("GLIBC_PRIVATE")]
    [InlineData("libstdc++.so.6")]
    [InlineData("GLIBCXX_")]
    [InlineData("_3.4")]
    [InlineData("GLIBCXX_3..4")]
    [InlineData("GLIBCXX_3.4.-1")]
    public void Rejects_names_that_are_not_numbered_versions(string name) =>
        Assert.False(SymbolVersion.TryParse(name, out _));

    [Property(MaxTest = 200)]
    public bool Versions_of_one_family_order_numerically(byte a1, byte a2, byte b1, byte b2)
    {
        var a = SymbolVersion.Parse($"GLIBCXX_3.{a1}.{a2}");
        var b = SymbolVersion.Parse($"GLIBCXX_3.{b1}.{b2}");
        int expected = (a1, a2).CompareTo((b1, b2));
        return Math.Sign(a.CompareTo(b)) == Math.Sign(expected);
    }

    [Fact]
    public void Default_policy_floor_is_what_Debian_12_and_Ubuntu_22_04_ship()
    {
        var policy = WeakNeedPolicy.Default;
        Assert.False(policy.IsAboveFloor("GLIBCXX_3.4.30"));
        Assert.True(policy.IsAboveFloor("GLIBCXX_3.4.31"));
        Assert.True(policy.IsAboveFloor("GLIBCXX_3.4.32"));
        Assert.False(policy.IsAboveFloor("GLIBCXX_3.4.9"));
        Assert.False(policy.IsAboveFloor("CXXABI_1.3.15"));
        Assert.False(policy.IsAboveFloor("GLIBC_2.38"));
    }
}
