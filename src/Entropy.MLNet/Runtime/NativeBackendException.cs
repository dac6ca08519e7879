namespace Entropy.MLNet.Runtime;

/// <summary>Thrown when TorchSharp's native LibTorch backend cannot be loaded; the message says what is missing and how to fix it.</summary>
public sealed class NativeBackendException : Exception
{
    /// <summary>Creates the exception.</summary>
    public NativeBackendException(string message, Exception? inner = null) : base(message, inner)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public NativeBackendException() : base("TorchSharp's native backend could not be loaded.")
    {
    }

    /// <summary>Creates the exception.</summary>
    public NativeBackendException(string message) : base(message)
    {
    }
}
