// Scintille's web chat. Plain JavaScript, no build step.
// Every text a person reads comes from the page's configuration (domain.yml's utter_web_*),
// and every text from the server is shown with textContent: never as HTML.
"use strict";

(() => {
  const config = JSON.parse(document.getElementById("chat-config").textContent);
  const texts = config.texts;
  const scroller = document.getElementById("chat");
  const log = document.getElementById("messages");
  const form = document.getElementById("composer");
  const input = document.getElementById("message-input");
  const status = document.getElementById("status");
  const locationButton = document.getElementById("location");
  const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

  // An error whose words come from the server, ready to be shown as they are.
  class ServerRefusal extends Error {}

  // Messages leave one at a time, in the order the person sent them.
  let queue = Promise.resolve();
  let sending = 0;

  function showStatus(text, isError) {
    status.textContent = text || "";
    status.classList.toggle("status--error", Boolean(isError));
  }

  // Shows the new messages from their first line: a long privacy notice is read from the top.
  function reveal(firstNew) {
    const bottom = scroller.scrollHeight - scroller.clientHeight;
    scroller.scrollTo({
      top: Math.min(firstNew.offsetTop - 12, bottom),
      behavior: reducedMotion.matches ? "auto" : "smooth",
    });
  }

  function bubble(who, label, text) {
    const item = document.createElement("li");
    item.className = `message message--${who}`;
    const speaker = document.createElement("span");
    speaker.className = "sr-only";
    speaker.textContent = `${label}:`;
    const body = document.createElement("p");
    body.className = "message__text";
    body.textContent = text;
    item.append(speaker, body);
    return item;
  }

  function mapLink(location) {
    const link = document.createElement("a");
    const lat = encodeURIComponent(location.latitude);
    const lon = encodeURIComponent(location.longitude);
    link.className = "message__map";
    link.href = `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=17/${lat}/${lon}`;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    link.textContent = location.address
      ? `${location.address} · ${texts.open_map}`
      : texts.open_map;
    return link;
  }

  function choices(buttons) {
    const group = document.createElement("div");
    group.className = "choices";
    for (const button of buttons) {
      const choice = document.createElement("button");
      choice.type = "button";
      choice.className = "choice";
      choice.textContent = button.title;
      choice.addEventListener("click", () => {
        choice.classList.add("choice--chosen");
        send({ payload: button.payload }, button.title, "button");
      });
      group.append(choice);
    }
    return group;
  }

  function closeOldChoices() {
    for (const choice of log.querySelectorAll(".choice:not(:disabled)")) {
      choice.disabled = true;
    }
    locationButton.hidden = true;
  }

  function showReplies(messages, origin) {
    let firstChoice = null;
    let firstNew = null;
    for (const message of messages) {
      const item = bubble("bot", texts.name, message.text);
      if (message.location) {
        item.append(mapLink(message.location));
      }
      if (message.buttons && message.buttons.length > 0) {
        const group = choices(message.buttons);
        item.append(group);
        firstChoice = group.querySelector("button");
      }
      if (message.request_location) {
        locationButton.hidden = false;
      }
      log.append(item);
      firstNew = firstNew || item;
    }
    if (firstNew) {
      reveal(firstNew);
    }
    // Someone who answers by tapping keeps tapping; someone who types keeps typing.
    if (origin === "button" && firstChoice) {
      firstChoice.focus({ preventScroll: true });
    } else if (origin === "button" || origin === "location") {
      input.focus({ preventScroll: true });
    }
  }

  async function errorText(response) {
    try {
      const answer = await response.json();
      if (answer && typeof answer.message === "string") {
        return answer.message;
      }
    } catch (_) {
      // Not our JSON (a proxy's page): the generic words below are right.
    }
    return texts.error_server;
  }

  async function post(body, typedText, origin) {
    showStatus(texts.typing, false);
    // Screen readers announce the replies together, once they have all arrived.
    log.setAttribute("aria-busy", "true");
    try {
      const response = await fetch("/api/chat/messages", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(body),
      });
      if (!response.ok) {
        throw new ServerRefusal(await errorText(response));
      }
      const answer = await response.json();
      showStatus("", false);
      showReplies(answer.messages || [], origin);
    } catch (error) {
      let message = texts.error_server;
      if (error instanceof ServerRefusal) {
        message = error.message;
      } else if (error instanceof TypeError) {
        message = texts.error_network;
      }
      showStatus(message, true);
      // What the person typed is never lost: it goes back in the box to be sent again.
      if (typedText && input.value.trim() === "") {
        input.value = typedText;
        autosize();
      }
    } finally {
      log.removeAttribute("aria-busy");
    }
  }

  function send(body, shownText, origin) {
    closeOldChoices();
    const mine = bubble("you", texts.you, shownText);
    log.append(mine);
    reveal(mine);
    const typedText = origin === "typed" ? shownText : "";
    sending += 1;
    queue = queue
      .then(() => post(body, typedText, origin))
      .finally(() => {
        sending -= 1;
      });
    return queue;
  }

  function autosize() {
    input.style.height = "auto";
    input.style.height = `${input.scrollHeight}px`;
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value;
    if (text.trim() === "") {
      input.focus();
      return;
    }
    input.value = "";
    autosize();
    input.focus();
    send({ text }, text, "typed");
  });

  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  input.addEventListener("input", autosize);

  locationButton.addEventListener("click", () => {
    if (!("geolocation" in navigator)) {
      showStatus(texts.location_unavailable, true);
      input.focus();
      return;
    }
    showStatus(texts.location_waiting, false);
    navigator.geolocation.getCurrentPosition(
      (position) => {
        const { latitude, longitude } = position.coords;
        send({ location: { latitude, longitude } }, texts.location_sent, "location");
      },
      () => {
        showStatus(texts.location_unavailable, true);
        input.focus();
      },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
    );
  });

  async function pollUpdates() {
    if (!document.hidden && sending === 0) {
      try {
        const response = await fetch("/api/chat/updates", {
          headers: { Accept: "application/json" },
          cache: "no-store",
        });
        if (response.ok) {
          const answer = await response.json();
          showReplies(answer.messages || [], "update");
        }
      } catch (_) {
        // Offline for a moment: the next round will bring whatever is waiting.
      }
    }
    window.setTimeout(pollUpdates, config.poll_seconds * 1000);
  }

  window.setTimeout(pollUpdates, config.poll_seconds * 1000);
})();
