using TorchSharp;
using static TorchSharp.torch;

namespace NeuralTheory.Bridge;

/// <summary>Checks a requested device before any native call, so an unavailable device is a clear exception, not a native crash.</summary>
public static class DeviceCheck
{
    /// <summary>Returns <paramref name="device"/> (CPU when <c>null</c>) after checking that it can be used.</summary>
    /// <param name="device">The requested device.</param>
    /// <param name="parameter">The caller's parameter name, for the exception.</param>
    /// <exception cref="ArgumentException">CUDA was requested but is not available, or the index is out of range.</exception>
    public static Device Resolve(Device? device, string parameter = "device")
    {
        ArgumentNullException.ThrowIfNull(parameter);
        if (device is null) return CPU;
        switch (device.type)
        {
            case DeviceType.CPU:
                return device;
            case DeviceType.CUDA:
                if (!cuda.is_available())
                    throw new ArgumentException(
                        "CUDA was requested but is not available: reference a CUDA libtorch backend and run on a machine with an NVIDIA GPU, or use the CPU.", parameter);
                if (device.index >= cuda.device_count())
                    throw new ArgumentException($"CUDA device {device.index} requested, but only {cuda.device_count()} device(s) exist.", parameter);
                return device;
            default:
                throw new ArgumentException($"Device type {device.type} is not supported; use CPU or CUDA.", parameter);
        }
    }

    /// <summary>Parses <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c> and checks availability.</summary>
    /// <exception cref="ArgumentException">The text is not a device name, or the device is unavailable.</exception>
    public static Device Parse(string name, string parameter = "device")
    {
        ArgumentNullException.ThrowIfNull(parameter);
        ArgumentException.ThrowIfNullOrWhiteSpace(name, parameter);
        string n = name.Trim().ToLowerInvariant();
        if (n == "cpu") return Resolve(CPU, parameter);
        if (n == "cuda") return Resolve(new Device(DeviceType.CUDA, 0), parameter);
        if (n.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(n[5..], out int index) && index >= 0)
            return Resolve(new Device(DeviceType.CUDA, index), parameter);
        throw new ArgumentException($"'{name}' is not a device: expected 'cpu', 'cuda' or 'cuda:N'.", parameter);
    }
}
