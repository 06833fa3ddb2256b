"""``actions.map``: one action over many inputs, a bounded number at a time, results in input order.

Each input is one blocking invoke (a 202 demotion is followed by polling, as for any blocking invoke), run
on a thread pool of ``concurrency`` workers sharing the client's session. A tqdm bar shows progress. A
failed input does not stop the others: it is reported in ``failures`` with its activation id.
What this module does not own: the invoke itself (``actions.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import FaasError, InvalidRequest
from .names import QualifiedName

if TYPE_CHECKING:
    from .actions import Actions

__all__ = ["MapFailure", "MapResult", "run_map"]


@dataclass(frozen=True)
class MapFailure:
    """One input that did not produce a result: where it was, the error, and the activation to look at."""

    index: int
    input: Mapping[str, Any]
    error: FaasError
    activation_id: str | None


@dataclass
class MapResult:
    """``results[i]`` is the result for ``inputs[i]`` (``None`` where it failed); ``failures`` say why."""

    results: list[Any]
    failures: list[MapFailure] = field(default_factory=list)
    activation_ids: list[str | None] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    def __len__(self) -> int:
        return len(self.results)


def run_map(
    actions: Actions,
    name: QualifiedName,
    inputs: Iterable[Mapping[str, Any]],
    *,
    concurrency: int,
    progress: bool,
    timeout: float | None,
) -> MapResult:
    items = list(inputs)
    if concurrency < 1:
        raise InvalidRequest(f"concurrency must be at least 1, got {concurrency}.", fix="Use concurrency=8.")
    results: list[Any] = [None] * len(items)
    ids: list[str | None] = [None] * len(items)
    failures: list[MapFailure] = []

    def one(index: int) -> tuple[int, Any, str | None]:
        record = actions.invoke(name, items[index], blocking=True, timeout=timeout)
        return index, record["response"]["result"], record.get("activationId")

    from tqdm.auto import tqdm

    bar = tqdm(total=len(items), desc=f"map {name}", unit="call", disable=not progress, leave=False)
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="faas-map") as pool:
        futures = {pool.submit(one, index): index for index in range(len(items))}
        try:
            for future in as_completed(futures):
                index = futures[future]
                try:
                    _, result, activation_id = future.result()
                except FaasError as exc:
                    failures.append(MapFailure(index, items[index], exc, exc.activation_id))
                    ids[index] = exc.activation_id
                else:
                    results[index] = result
                    ids[index] = activation_id
                bar.update(1)
        except BaseException:
            for future in futures:
                future.cancel()
            raise
        finally:
            bar.close()
    failures.sort(key=lambda failure: failure.index)
    return MapResult(results, failures, ids)
