namespace TimeBank.Grains;

/// <summary>
/// Who asks and the id they gave this request. Idempotency is by the pair, across every operation and
/// target: the same pair with the same content gets the first answer; with anything else, REQUEST_ID_REUSED.
/// Two callers may use the same request id independently.
/// </summary>
/// <param name="CallerKeyId">The id of the API key that sent the request (never the secret).</param>
/// <param name="RequestId">The caller's id for this request: 1-128 printable ASCII characters.</param>
public readonly record struct RequestKey(string CallerKeyId, string RequestId);
