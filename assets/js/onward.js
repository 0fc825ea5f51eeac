// Onward's own script: starts GOV.UK Frontend's components and warns before the session times out.
import { initAll } from "./govuk-frontend.min.js";

initAll();

function startTimeoutWarning() {
  const body = document.body;
  const timeout = Number(body.dataset.sessionTimeoutSeconds);
  const warning = Number(body.dataset.sessionWarningSeconds);
  const dialog = document.getElementById("session-timeout-dialog");
  if (!timeout || !dialog || typeof dialog.showModal !== "function") {
    return;
  }
  const countdown = dialog.querySelector("[data-timeout-countdown]");
  const keepAlive = dialog.querySelector("[data-timeout-keep-alive]");
  const csrf = dialog.querySelector("input[name=csrfmiddlewaretoken]");
  let deadline = Date.now() + timeout * 1000;
  let warnTimer;
  let tick;

  const describe = (seconds) => {
    if (seconds >= 60) {
      const minutes = Math.ceil(seconds / 60);
      return `${minutes} minute${minutes === 1 ? "" : "s"}`;
    }
    return `${seconds} second${seconds === 1 ? "" : "s"}`;
  };

  const schedule = () => {
    clearTimeout(warnTimer);
    clearInterval(tick);
    deadline = Date.now() + timeout * 1000;
    warnTimer = setTimeout(show, Math.max(0, (timeout - warning) * 1000));
  };

  const show = () => {
    dialog.showModal();
    keepAlive.focus();
    tick = setInterval(() => {
      const left = Math.round((deadline - Date.now()) / 1000);
      if (left <= 0) {
        clearInterval(tick);
        window.location.href = body.dataset.signedOutUrl;
        return;
      }
      countdown.textContent = describe(left);
    }, 1000);
  };

  keepAlive.addEventListener("click", async () => {
    const response = await fetch(body.dataset.keepAliveUrl, {
      method: "POST",
      headers: { "X-CSRFToken": csrf.value },
      credentials: "same-origin",
    });
    if (response.ok) {
      dialog.close();
      schedule();
    } else {
      window.location.href = body.dataset.signedOutUrl;
    }
  });
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
  });
  schedule();
}

startTimeoutWarning();
