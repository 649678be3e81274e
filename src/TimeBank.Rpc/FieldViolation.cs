namespace TimeBank.Rpc;

/// <summary>One bad request field, sent as a google.rpc.BadRequest field violation beside the status.</summary>
/// <param name="Field">The field's path in the request, e.g. <c>minutes</c> or <c>lines[2].item_id</c>.</param>
public sealed record FieldViolation(string Field, string Description);
