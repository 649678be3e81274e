using System.Diagnostics.CodeAnalysis;

namespace TimeBank.Grains;

/// <summary>
/// A grain method's answer: the value when it succeeded, the <see cref="Failure"/> when not. The compiler
/// knows <see cref="Value"/> is set when <see cref="Succeeded"/> is true, so callers need no <c>!</c>.
/// </summary>
public readonly struct Result<T>
    where T : class
{
    private Result(T? value, Failure? failure)
    {
        Value = value;
        Failure = failure;
    }

    public T? Value { get; }

    public Failure? Failure { get; }

    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Failure))]
    public bool Succeeded => Failure is null && Value is not null;

    public static implicit operator Result<T>(T value) => new(value ?? throw new ArgumentNullException(nameof(value)), null);

    public static implicit operator Result<T>(Failure failure) => new(null, failure ?? throw new ArgumentNullException(nameof(failure)));

    public static Result<T> Ok(T value) => value;

    public static Result<T> Fail(Failure failure) => failure;

    public override string ToString() => Succeeded ? $"Ok({Value})" : $"Failed({Failure})";
}
