using TorchSharp;

namespace Entropy.MLNet.Runtime;

/// <summary>
/// Scalars that live for the whole process. TorchSharp 0.107 turns a number argument (and the implicit alpha = 1 of
/// <c>add</c>/<c>add_</c> with a tensor) into a temporary <see cref="Scalar"/> whose only reference is dropped once its
/// native handle is read; the garbage collector can then finalise it while libtorch still reads it, which shows under
/// load as "Expected false to be true" or "Unknown scalar type" from c10::Scalar. Code here passes these constants, or
/// scalars it holds with <c>using</c> until the call returns, instead of bare numbers. Static, so never finalised;
/// immutable on the native side, so safe to share between threads.
/// </summary>
internal static class TorchScalars
{
    /// <summary>The integer 1, as TorchSharp's implicit alpha.</summary>
    public static Scalar One { get; } = 1.ToScalar();

    /// <summary>The integer −1.</summary>
    public static Scalar MinusOne { get; } = (-1).ToScalar();

    /// <summary>The integer 2.</summary>
    public static Scalar Two { get; } = 2.ToScalar();
}
