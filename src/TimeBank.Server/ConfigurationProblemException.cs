namespace TimeBank.Server;

/// <summary>
/// A setting the server cannot start with. Its message names the setting and shows a working example;
/// <c>Program</c> prints it as one line and exits with <see cref="ExitCode"/>, without a stack trace.
/// </summary>
public sealed class ConfigurationProblemException : Exception
{
    /// <summary>The process exit code for a configuration problem (EX_CONFIG in sysexits.h).</summary>
    public const int ExitCode = 78;

    public ConfigurationProblemException()
    {
    }

    public ConfigurationProblemException(string message)
        : base(message)
    {
    }

    public ConfigurationProblemException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
