// Agreement dashboard: while a large report is computed in the background, poll its progress
// (GET …/agreement/status, JSON) and show the phase; when it is done, load the page again,
// which now finds the report cached. Without JavaScript the page says to reload it.

const POLL_MS = 1000;
const MAX_FAILED_POLLS = 5;

function phaseText(phases, status) {
  if (status.state === "failed") {
    return `The computation failed: ${status.message}. Reload the page to try again.`;
  }
  return status.phase ? `Now: ${phases[status.phase] || status.phase}` : "Starting…";
}

async function poll(section, bar, line, phases) {
  let failures = 0;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    let status;
    try {
      const response = await fetch(section.dataset.statusUrl, {
        headers: { Accept: "application/json" }, credentials: "same-origin",
      });
      if (!response.ok) throw new Error(`status ${response.status}`);
      status = await response.json();
      failures = 0;
    } catch {
      failures += 1;
      if (failures >= MAX_FAILED_POLLS) {
        line.textContent = "The server does not answer; reload the page later.";
        return;
      }
      continue;
    }
    bar.value = status.fraction;
    bar.textContent = `${Math.round(status.fraction * 100)}%`;
    line.textContent = phaseText(phases, status);
    if (status.state === "done") {
      window.location.reload();
      return;
    }
    if (status.state === "failed") return;
  }
}

const section = document.getElementById("report-progress");
if (section) {
  let phases = {};
  try {
    phases = JSON.parse(section.dataset.phases || "{}");
  } catch {
    phases = {};
  }
  poll(section, document.getElementById("report-progress-bar"),
    document.getElementById("report-progress-phase"), phases);
}
