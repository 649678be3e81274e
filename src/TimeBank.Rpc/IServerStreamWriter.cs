namespace TimeBank.Rpc;

/// <summary>Writes a server-streaming call's messages, one at a time.</summary>
public interface IServerStreamWriter<in T>
{
    Task WriteAsync(T message, CancellationToken cancellationToken = default);
}
