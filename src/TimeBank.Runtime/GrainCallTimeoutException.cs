namespace TimeBank.Runtime;

/// <summary>A call from inside a grain's turn got no answer within <see cref="GrainHostOptions.ResponseTimeout"/>.</summary>
public sealed class GrainCallTimeoutException : TimeoutException
{
    public GrainCallTimeoutException()
        : base("A grain call got no answer in time.")
    {
    }

    public GrainCallTimeoutException(string message)
        : base(message)
    {
    }

    public GrainCallTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public GrainCallTimeoutException(GrainId target, TimeSpan timeout)
        : base($"The call to {target} got no answer within {timeout.TotalSeconds:0.###} s.")
    {
        Target = target;
    }

    public GrainId Target { get; }
}
