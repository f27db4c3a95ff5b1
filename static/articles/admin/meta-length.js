// Shows how long the meta description is against the recommended length.
document.addEventListener("DOMContentLoaded", () => {
  for (const field of document.querySelectorAll("textarea[data-recommended-length]")) {
    const limit = Number(field.dataset.recommendedLength);
    const counter = document.createElement("p");
    counter.className = "help meta-length";
    counter.setAttribute("aria-live", "polite");
    field.insertAdjacentElement("afterend", counter);
    const update = () => {
      const length = field.value.length;
      counter.textContent = `${length} of about ${limit} characters`;
      counter.classList.toggle("meta-length--over", length > limit);
    };
    field.addEventListener("input", update);
    update();
  }
});
