// The admin article form's title and slug (ArticleAdminForm, articles/admin/forms.py):
// - a field with data-max-chars counts its characters as they are typed, in place of the
//   browser's maxlength, which would cut a pasted title short without a word; the server
//   refuses a title that is too long with a message;
// - a slug with data-follows-title is made from the title as it is typed, exactly as the
//   server makes it (slug_from_title in articles/models/article.py), until someone types a
//   slug of their own; emptying it makes it follow the title again.
// The texts come translated from the server, in data attributes.
;(() => {
  // Django's slugify(allow_unicode=True): NFKC, lower case, only letters, digits, "_", "-"
  // and spaces, runs of spaces and "-" made one "-", no "-" or "_" at either end.
  function slugify(value) {
    return value
      .normalize("NFKC")
      .toLowerCase()
      .replace(/[^\p{L}\p{N}_\s-]/gu, "")
      .replace(/[-\s]+/gu, "-")
      .replace(/^[-_]+|[-_]+$/gu, "")
  }

  // slug_from_title: cut to the length given (in characters, not UTF-16 units), never empty,
  // never digits only.
  function slugFromTitle(title, length) {
    const base =
      Array.from(slugify(title))
        .slice(0, length)
        .join("")
        .replace(/^-+|-+$/gu, "") || "story"
    return /^\p{Nd}+$/u.test(base) ? `story-${base}` : base
  }

  function followTitle(slug) {
    const title = document.getElementById(slug.dataset.followsTitle)
    const length = Number(slug.dataset.slugLength)
    if (!title || !length) {
      return
    }
    const made = () => slugFromTitle(title.value, length)
    // As is_made_from(): the slug the title makes, perhaps numbered ("…-2") by the server.
    const isMade = () => {
      const base = made()
      return slug.value === base || (slug.value.startsWith(`${base}-`) && /^\d+$/.test(slug.value.slice(base.length + 1)))
    }
    let following = slug.value === "" || isMade()
    slug.addEventListener("input", () => {
      following = slug.value === "" || isMade()
    })
    title.addEventListener("input", () => {
      if (following) {
        slug.value = made()
      }
    })
  }

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, (whole, name) =>
      name in values ? String(values[name]) : whole,
    )
  }

  function countCharacters(field) {
    const limit = Number(field.dataset.maxChars)
    const counter = document.createElement("div")
    counter.id = `${field.id}_count`
    counter.className = "char-count help"
    // Screen readers hear the count when the field is focused, and once typing pauses
    // while it is over the limit: not after every key.
    const announcer = document.createElement("div")
    announcer.className = "visually-hidden"
    announcer.setAttribute("aria-live", "polite")
    // Where Django puts a field's help: under the label and the field.
    ;(field.closest(".flex-container") || field).after(counter, announcer)
    const described = field.getAttribute("aria-describedby")
    field.setAttribute("aria-describedby", described ? `${described} ${counter.id}` : counter.id)
    let pause = null
    const update = () => {
      // Characters as the server counts them (code points), not UTF-16 units.
      const count = Array.from(field.value).length
      const over = count - limit
      const values = { count, limit, over }
      counter.textContent = format(
        over > 0 ? field.dataset.overText : field.dataset.countText,
        values,
      )
      counter.classList.toggle("char-count--over", over > 0)
      window.clearTimeout(pause)
      pause = window.setTimeout(() => {
        announcer.textContent = over > 0 ? counter.textContent : ""
      }, 1000)
    }
    field.addEventListener("input", update)
    update()
  }

  function setUp() {
    for (const field of document.querySelectorAll("input[data-max-chars]")) {
      countCharacters(field)
    }
    for (const slug of document.querySelectorAll("input[data-follows-title]")) {
      followTitle(slug)
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp)
  } else {
    setUp()
  }
})()
